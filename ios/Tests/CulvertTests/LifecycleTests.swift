import XCTest
@testable import Culvert

final class LifecycleTests: XCTestCase {
    func testNormalLife() throws {
        var life = TunnelLifecycle()
        XCTAssertEqual(try life.begin(.start), .perform)
        XCTAssertEqual(life.state, .starting)
        life.finish(.start, succeeded: true)
        XCTAssertEqual(life.state, .running)
        XCTAssertEqual(try life.begin(.networkChanged), .perform)
        XCTAssertEqual(try life.begin(.update), .perform)
        XCTAssertEqual(try life.begin(.wake), .ignore, "wake while awake does nothing")
        XCTAssertEqual(try life.begin(.sleep), .perform)
        XCTAssertEqual(life.state, .sleeping)
        XCTAssertEqual(try life.begin(.networkChanged), .ignore, "no rebinding while asleep")
        XCTAssertEqual(try life.begin(.sleep), .ignore)
        XCTAssertEqual(try life.begin(.wake), .perform)
        XCTAssertEqual(life.state, .running)
        XCTAssertEqual(try life.begin(.stop), .perform)
        XCTAssertEqual(life.state, .stopping)
        XCTAssertEqual(try life.begin(.stop), .ignore)
        life.finish(.stop, succeeded: true)
        XCTAssertEqual(life.state, .stopped)
    }

    func testMisuseIsATypedErrorNotACrash() throws {
        var life = TunnelLifecycle()
        XCTAssertThrowsError(try life.begin(.update)) { XCTAssertEqual($0 as? CulvertAdapterError, .notStarted(.update)) }
        XCTAssertEqual(try life.begin(.sleep), .ignore)
        _ = try life.begin(.start)
        XCTAssertThrowsError(try life.begin(.start)) { XCTAssertEqual($0 as? CulvertAdapterError, .alreadyStarted) }
        XCTAssertThrowsError(try life.begin(.update)) { XCTAssertEqual($0 as? CulvertAdapterError, .busy(.update)) }
        XCTAssertEqual(try life.begin(.stop), .perform)
        life.finish(.start, succeeded: true)
        XCTAssertEqual(life.state, .stopping, "a start finishing after stop does not resurrect the tunnel")
        XCTAssertThrowsError(try life.begin(.update)) { XCTAssertEqual($0 as? CulvertAdapterError, .stopped(.update)) }
        life.finish(.stop, succeeded: true)
        XCTAssertEqual(try life.begin(.start), .perform, "a stopped adapter can start again")
        life.finish(.start, succeeded: false)
        XCTAssertEqual(life.state, .stopped)
    }

    func testEveryStateOperationPairIsDecided() {
        let operations: [AdapterOperation] = [.start, .update, .sleep, .wake, .networkChanged, .stop]
        var decided = 0
        for state in AdapterState.allCases {
            for op in operations {
                var life = TunnelLifecycle.at(state)
                XCTAssertEqual(life.state, state)
                do { _ = try life.begin(op) } catch { XCTAssertTrue(error is CulvertAdapterError) }
                decided += 1
            }
        }
        XCTAssertEqual(decided, AdapterState.allCases.count * operations.count)
    }

    func testPathChangeFilter() {
        var filter = PathChangeFilter()
        let wifi = PathSummary(isSatisfied: true, interfaces: ["en0"])
        let cell = PathSummary(isSatisfied: true, interfaces: ["pdp_ip0"])
        XCTAssertFalse(filter.shouldNotify(wifi), "the first path is the baseline")
        XCTAssertFalse(filter.shouldNotify(wifi), "same path again")
        XCTAssertTrue(filter.shouldNotify(cell), "Wi-Fi to cellular")
        XCTAssertFalse(filter.shouldNotify(PathSummary(isSatisfied: false, interfaces: [])), "no network: nothing to rebind to")
        XCTAssertTrue(filter.shouldNotify(cell), "back on the same network after a gap: addresses may have changed")
        XCTAssertTrue(filter.shouldNotify(PathSummary(isSatisfied: true, interfaces: ["pdp_ip0"], supportsIPv6: true)))
    }

    func testUtunScanLooksAboveTheFirstThousandDescriptors() {
        var probed = 0
        let found = UtunDescriptor.find(tableSize: 5000) { fd in
            probed += 1
            return fd == 4097 ? "utun7" : (fd == 3 ? "en0" : nil)
        }
        XCTAssertEqual(found?.fd, 4097)
        XCTAssertEqual(found?.interface, "utun7")
        XCTAssertEqual(probed, 4098)
        XCTAssertNil(UtunDescriptor.find(tableSize: 4097) { $0 == 4097 ? "utun7" : nil })
        XCTAssertNil(UtunDescriptor.find(tableSize: 0) { _ in "utun0" })
        XCTAssertGreaterThan(UtunDescriptor.descriptorTableSize(), 2)
        XCTAssertLessThanOrEqual(UtunDescriptor.descriptorTableSize(cap: 64), 64)
    }
}

extension TunnelLifecycle {
    /// A lifecycle driven to `state` through legal operations.
    static func at(_ state: AdapterState) -> TunnelLifecycle {
        var life = TunnelLifecycle()
        switch state {
        case .idle: break
        case .starting: _ = try? life.begin(.start)
        case .running: _ = try? life.begin(.start); life.finish(.start, succeeded: true)
        case .sleeping: _ = try? life.begin(.start); life.finish(.start, succeeded: true); _ = try? life.begin(.sleep)
        case .stopping: _ = try? life.begin(.start); _ = try? life.begin(.stop)
        case .stopped: _ = try? life.begin(.stop)
        }
        return life
    }
}
