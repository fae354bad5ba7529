import Primitives
import Testing

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("250ms", Int64(250)), ("5s", 5_000), ("10m", 600_000), ("2h", 7_200_000), ("7d", 604_800_000), ("30", 30_000),
        (" 1H ", 3_600_000), ("0s", 0),
    ])
    func readsEachUnit(_ text: String, _ milliseconds: Int64) {
        #expect(DurationText.milliseconds(text) == milliseconds)
    }

    @Test(arguments: ["", "-1s", "1w", "1.5h", "s", "9999999999999999d", "1 h"])
    func refusesWhatIsNoDuration(_ text: String) {
        #expect(DurationText.milliseconds(text) == nil)
    }

    @Test func writesTheLargestUnitThatDivides() {
        #expect(DurationText.format(milliseconds: 90 * 86_400_000) == "90d")
        #expect(DurationText.format(milliseconds: 3_600_000) == "1h")
        #expect(DurationText.format(milliseconds: 90_000) == "90s")
        #expect(DurationText.format(milliseconds: 250) == "250ms")
        #expect(DurationText.format(milliseconds: 0) == "0ms")
    }
}
