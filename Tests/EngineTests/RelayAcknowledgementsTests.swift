import Kafka
import Testing

@testable import Engine

/// The relay reads no more while the changelog bytes in flight pass their bound: they must go down as
/// the reports come, failed ones included, and each report must say which channel it belongs to.
struct RelayAcknowledgementsTests {
    @Test func changelogBytesInFlightFollowTheReportsAndTheReportsTheirChannel() {
        let acknowledgements = RelayAcknowledgements()
        acknowledgements.produced(id: 1, changelogBytes: 200_000)
        acknowledgements.produced(id: 2, changelogBytes: nil)
        acknowledgements.produced(id: 3, changelogBytes: 50_000)
        #expect(acknowledgements.inFlight == 3)
        #expect(acknowledgements.changelogBytesInFlight == 250_000)

        acknowledgements.report(id: 1, error: nil)
        acknowledgements.report(id: 2, error: nil)
        #expect(acknowledgements.changelogBytesInFlight == 50_000)
        acknowledgements.report(id: 3, error: KafkaError(code: -185, message: "timed out", isRetriable: true))
        #expect(acknowledgements.inFlight == 0)
        #expect(acknowledgements.changelogBytesInFlight == 0)

        let reports = acknowledgements.take()
        #expect(reports.map(\.id) == [1, 2, 3])
        #expect(reports.map(\.isChangelog) == [true, false, true])
        #expect(reports.map { $0.error == nil } == [true, true, false])
        #expect(acknowledgements.take().isEmpty)

        // A failed record is read again and produced again under the same id.
        acknowledgements.produced(id: 3, changelogBytes: 50_000)
        #expect(acknowledgements.changelogBytesInFlight == 50_000)
    }
}
