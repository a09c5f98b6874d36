#import "RNCulvert.h"

// The Swift class, through the generated header of this pod.
#if __has_include("react_native_culvert-Swift.h")
#import "react_native_culvert-Swift.h"
#else
#import <react_native_culvert/react_native_culvert-Swift.h>
#endif

@implementation RNCulvert {
  CulvertModuleImpl *_impl;
  BOOL _hasListeners;
}

RCT_EXPORT_MODULE(Culvert)

+ (BOOL)requiresMainQueueSetup { return NO; }

- (instancetype)init {
  if (self = [super init]) {
    _impl = [CulvertModuleImpl new];
    __weak RNCulvert *weakSelf = self;
    _impl.emit = ^(NSString *name, NSDictionary *body) {
      RNCulvert *strongSelf = weakSelf;
      if (strongSelf && strongSelf->_hasListeners) [strongSelf sendEventWithName:name body:body];
    };
  }
  return self;
}

- (NSArray<NSString *> *)supportedEvents { return [CulvertModuleImpl supportedEvents]; }
- (void)startObserving { _hasListeners = YES; }
- (void)stopObserving { _hasListeners = NO; }

// The block type of the Swift methods' `reject:` parameter (Swift's
// `(String, String, [String: Any]?) -> Void`) as the generated -Swift.h spells
// it. Swift typealiases are not exported to that header, so the alias
// declared in CulvertModuleImpl.swift cannot be named here.
typedef void (^RNCulvertRejectBlock)(NSString *_Nonnull code, NSString *_Nonnull message,
                                     NSDictionary<NSString *, id> *_Nullable userInfo);

// Adapts the Swift (code, message, userInfo) rejection to React's block.
static RNCulvertRejectBlock Rejecter(RCTPromiseRejectBlock reject) {
  return ^(NSString *code, NSString *message, NSDictionary *userInfo) {
    NSError *error = [NSError errorWithDomain:@"io.culvert" code:0 userInfo:userInfo ?: @{}];
    reject(code, message, error);
  };
}

RCT_EXPORT_METHOD(parseConfig:(NSString *)text resolve:(RCTPromiseResolveBlock)resolve reject:(RCTPromiseRejectBlock)reject) {
  [_impl parseConfig:text resolve:resolve reject:Rejecter(reject)];
}
RCT_EXPORT_METHOD(parseQr:(NSString *)text resolve:(RCTPromiseResolveBlock)resolve reject:(RCTPromiseRejectBlock)reject) {
  [_impl parseQr:text resolve:resolve reject:Rejecter(reject)];
}
RCT_EXPORT_METHOD(prepare:(NSDictionary *)options resolve:(RCTPromiseResolveBlock)resolve reject:(RCTPromiseRejectBlock)reject) {
  [_impl prepare:options resolve:resolve reject:Rejecter(reject)];
}
RCT_EXPORT_METHOD(connect:(NSString *)configText options:(NSDictionary *)options resolve:(RCTPromiseResolveBlock)resolve reject:(RCTPromiseRejectBlock)reject) {
  [_impl connect:configText options:options resolve:resolve reject:Rejecter(reject)];
}
RCT_EXPORT_METHOD(disconnect:(RCTPromiseResolveBlock)resolve reject:(RCTPromiseRejectBlock)reject) {
  [_impl disconnect:resolve reject:Rejecter(reject)];
}
RCT_EXPORT_METHOD(getStatus:(RCTPromiseResolveBlock)resolve reject:(RCTPromiseRejectBlock)reject) {
  [_impl getStatus:resolve reject:Rejecter(reject)];
}
RCT_EXPORT_METHOD(getStats:(RCTPromiseResolveBlock)resolve reject:(RCTPromiseRejectBlock)reject) {
  [_impl getStats:resolve reject:Rejecter(reject)];
}
RCT_EXPORT_METHOD(hotspotParse:(NSString *)text resolve:(RCTPromiseResolveBlock)resolve reject:(RCTPromiseRejectBlock)reject) {
  [_impl hotspotParse:text resolve:resolve reject:Rejecter(reject)];
}
RCT_EXPORT_METHOD(hotspotConnect:(NSDictionary *)request resolve:(RCTPromiseResolveBlock)resolve reject:(RCTPromiseRejectBlock)reject) {
  [_impl hotspotConnect:request resolve:resolve reject:Rejecter(reject)];
}
RCT_EXPORT_METHOD(hotspotCurrentSsid:(RCTPromiseResolveBlock)resolve reject:(RCTPromiseRejectBlock)reject) {
  [_impl hotspotCurrentSsid:resolve reject:Rejecter(reject)];
}
RCT_EXPORT_METHOD(addListener:(NSString *)eventName) {
  [super addListener:eventName];
  [_impl addListener:eventName];
}
RCT_EXPORT_METHOD(removeListeners:(double)count) {
  [super removeListeners:count];
  [_impl removeListeners:count];
}

#ifdef RCT_NEW_ARCH_ENABLED
- (std::shared_ptr<facebook::react::TurboModule>)getTurboModule:(const facebook::react::ObjCTurboModule::InitParams &)params {
  return std::make_shared<facebook::react::NativeCulvertSpecJSI>(params);
}
#endif

@end
