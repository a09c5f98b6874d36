import Foundation
import XCTest

/// A value shared between a test and the callbacks it waits for.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
    func mutate(_ change: (inout Value) -> Void) { lock.lock(); change(&stored); lock.unlock() }
}

/// Signalled once by a callback; `wait` fails the test after `seconds`.
final class Signal: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    func fire() { semaphore.signal() }
    @discardableResult
    func wait(_ seconds: Double = 10, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let ok = semaphore.wait(timeout: .now() + seconds) == .success
        if !ok { XCTFail("timed out waiting for a callback", file: file, line: line) }
        return ok
    }
}
