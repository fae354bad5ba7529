import Testing

@testable import Declared

@Suite struct DecimalValueTests {
    @Test(arguments: [
        ("12.50", 2, Int64(1_250)), ("12.5", 2, 1_250), ("12", 2, 1_200), ("-3.1", 1, -31), ("0.125", 3, 125), ("7", 0, 7),
        ("92233720368547758.07", 2, Int64.max),
    ])
    func readsExactUnits(_ text: String, _ scale: Int, _ units: Int64) {
        #expect(DecimalValue.units(text, scale: scale) == units)
    }

    @Test(arguments: [("1.234", 2), ("", 2), ("1.", 2), (".5", 2), ("1e3", 2), ("+1", 2), ("1,5", 2), ("92233720368547758.08", 2), ("--1", 0)])
    func refusesWhatIsNotExact(_ text: String, _ scale: Int) {
        #expect(DecimalValue.units(text, scale: scale) == nil)
    }
}
