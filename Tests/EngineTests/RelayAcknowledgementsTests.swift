import Kafka
import Store
import Testing

@testable import Engine

/// What the relay settles: the watermark of each channel passes only records acknowledged without a
/// gap before them, a failure holds it until the records from there are produced again and delivered,
/// and the changelog bytes in flight follow the reports.
struct RelayAcknowledgementsTests {

    private let timedOut = KafkaError(code: -185, message: "timed out", isRetriable: true)

    @Test func changelogBytesInFlightFollowTheReportsAndTheReportsTheirChannel() {
        let acknowledgements = RelayAcknowledgements()
        acknowledgements.produced(id: 1, channel: .changelog, messages: 1, bytes: 200_000)
        acknowledgements.produced(id: 2, channel: .output, messages: 1, bytes: 1)
        acknowledgements.produced(id: 3, channel: .changelog, messages: 1, bytes: 50_000)
        #expect(acknowledgements.inFlight == 3)
        #expect(acknowledgements.changelogBytesInFlight == 250_000)

        acknowledgements.report(id: 1, error: nil)
        acknowledgements.report(id: 2, error: nil)
        #expect(acknowledgements.changelogBytesInFlight == 50_000)
        acknowledgements.report(id: 3, error: timedOut)
        #expect(acknowledgements.inFlight == 0)
        #expect(acknowledgements.changelogBytesInFlight == 0)

        let reports = acknowledgements.take()
        #expect(reports.map(\.id) == [1, 2, 3])
        #expect(reports.map(\.isChangelog) == [true, false, true])
        #expect(reports.map { $0.error == nil } == [true, true, false])
        #expect(acknowledgements.take().isEmpty)
    }

    @Test func eachWatermarkPassesOnlyRecordsDeliveredWithoutAGap() {
        let acknowledgements = RelayAcknowledgements()
        for id in 1...6 { acknowledgements.produced(id: UInt64(id), channel: id % 3 == 0 ? .changelog : .output, messages: 1, bytes: 1) }
        // Output: 1, 2, 4, 5; changelog: 3, 6. Delivered out of order.
        acknowledgements.report(id: 2, error: nil)
        acknowledgements.report(id: 6, error: nil)
        #expect(acknowledgements.advance().isEmpty, "1 and 3 are still in flight")
        acknowledgements.report(id: 1, error: nil)
        acknowledgements.report(id: 5, error: nil)
        #expect(acknowledgements.advance() == [.output: 2])
        acknowledgements.report(id: 3, error: nil)
        acknowledgements.report(id: 4, error: nil)
        #expect(acknowledgements.advance() == [.output: 5, .changelog: 6])
        #expect(acknowledgements.advance().isEmpty)
    }

    @Test func aFailureHoldsTheWatermarkUntilTheRecordsFromThereAreDeliveredAgain() {
        let acknowledgements = RelayAcknowledgements()
        for id in 1...4 { acknowledgements.produced(id: UInt64(id), channel: .output, messages: 1, bytes: 1) }
        acknowledgements.report(id: 1, error: nil)
        acknowledgements.report(id: 2, error: timedOut)
        acknowledgements.report(id: 3, error: nil)
        // The relay rewinds to the failed record and produces everything from it again.
        acknowledgements.rewind(from: 2)
        #expect(acknowledgements.advance() == [.output: 1])
        for id in 2...4 { acknowledgements.produced(id: UInt64(id), channel: .output, messages: 1, bytes: 1) }
        acknowledgements.report(id: 4, error: nil)  // the first attempt of 4, late
        #expect(acknowledgements.advance().isEmpty, "2 is not delivered yet")
        acknowledgements.report(id: 2, error: nil)
        #expect(acknowledgements.advance() == [.output: 4], "3 and 4 were delivered once already")
        // The second attempts' reports come too, and change nothing.
        acknowledgements.report(id: 3, error: nil)
        acknowledgements.report(id: 4, error: nil)
        #expect(acknowledgements.advance().isEmpty)
    }

    /// An output row of several messages passes when the last of them is delivered; one failed message
    /// fails the row, reported once, and a row of no messages passes at once.
    @Test func aRowOfSeveralMessagesIsReportedOnceAllAre() {
        let acknowledgements = RelayAcknowledgements()
        acknowledgements.produced(id: 1, channel: .output, messages: 3, bytes: 30)
        acknowledgements.produced(id: 2, channel: .output, messages: 0, bytes: 0)
        acknowledgements.produced(id: 3, channel: .output, messages: 2, bytes: 20)
        #expect(acknowledgements.inFlight == 5)
        acknowledgements.report(id: 1, error: nil)
        acknowledgements.report(id: 3, error: nil)
        acknowledgements.report(id: 1, error: nil)
        #expect(acknowledgements.advance().isEmpty, "one message of 1 is in flight")
        acknowledgements.report(id: 1, error: nil)
        #expect(acknowledgements.advance() == [.output: 2], "1 delivered whole, 2 had nothing to send")
        acknowledgements.report(id: 3, error: timedOut)
        #expect(acknowledgements.inFlight == 0)
        let reports = acknowledgements.take()
        #expect(reports.map(\.id) == [2, 1, 3])
        #expect(reports.map(\.messages) == [0, 3, 2])
        #expect(reports.map { $0.error == nil } == [true, true, false], "3 failed though one of its messages was delivered")
        #expect(acknowledgements.advance().isEmpty)
        acknowledgements.rewind(from: 3)
        acknowledgements.produced(id: 3, channel: .output, messages: 2, bytes: 20)
        acknowledgements.report(id: 3, error: nil)
        acknowledgements.report(id: 3, error: nil)
        #expect(acknowledgements.advance() == [.output: 3])
    }
}
