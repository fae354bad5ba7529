import Testing

@testable import Logins

@Suite struct MinuteWindowTests {
    @Test(arguments: [
        (Int64(0), Int64(0)), (59, 0), (60, 60), (61, 60), (1_694_479_551, 1_694_479_500), (1_694_479_559, 1_694_479_500),
        (1_694_479_560, 1_694_479_560),
    ])
    func windowStartIsTheMinuteBoundary(timestamp: Int64, start: Int64) {
        #expect(MinuteWindow.start(of: timestamp) == start)
    }

    @Test func missingDimensionsCountAsUnknown() {
        let key = LoginCountKey(LoginEvent(userID: "u", appVersion: nil, deviceType: "iOS", locale: nil, timestamp: 125))
        #expect(key == LoginCountKey(windowStart: 120, deviceType: "iOS", locale: "unknown", appVersion: "unknown", topic: "", partition: -1))
    }
}
