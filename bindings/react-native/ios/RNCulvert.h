// Registers the `Culvert` module: an event emitter on the old bridge, and a
// TurboModule conforming to the codegen-generated `NativeCulvertSpec` on the new
// architecture. All logic lives in CulvertModuleImpl.swift.
#import <React/RCTEventEmitter.h>

#ifdef RCT_NEW_ARCH_ENABLED
#import <RNCulvertSpec/RNCulvertSpec.h>
@interface RNCulvert : RCTEventEmitter <NativeCulvertSpec>
#else
#import <React/RCTBridgeModule.h>
@interface RNCulvert : RCTEventEmitter <RCTBridgeModule>
#endif
@end
