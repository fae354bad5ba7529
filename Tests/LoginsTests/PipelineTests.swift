import Foundation
import GRDB
import Testing

@testable import Logins

/// The real consumer service against librdkafka's mock cluster and a real SQLite file.
@Suite(.serialized) struct PipelineTests {
    @Test func countsAreExactFailuresKeepTheirBytesAndARestartResumes() async throws {
        let fixture = try PipelineFixture(partitions: 4)
        try fixture.produce(count: 20_000, seed: 7, badShare: 0.1)
        try await fixture.process(count: 20_000)

        let valid = fixture.produced.filter(\.kind.isValid).count
        #expect(try fixture.storedCounts() == fixture.expectedCounts)
        #expect(try fixture.scalar("SELECT COUNT(*) FROM login_events") == valid)
        #expect(try fixture.storedFailedPayloads() == fixture.expectedFailedPayloads)
        #expect(try fixture.scalar("SELECT SUM(next_offset) FROM consumer_offsets") == 20_000)

        // A reader holding a read transaction open must not stop the writer.
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let reader = try DatabaseQueue(path: fixture.dbPath, configuration: configuration)
        try await reader.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN DEFERRED")
            _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM login_counts")
        }

        // A second run on the same database starts from the stored offsets: nothing is counted twice.
        try fixture.produce(count: 5_000, seed: 8, badShare: 0.1)
        try await fixture.process(count: 5_000)
        try await reader.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }

        #expect(try fixture.storedCounts() == fixture.expectedCounts)
        #expect(try fixture.scalar("SELECT COUNT(*) FROM login_events") == fixture.produced.filter(\.kind.isValid).count)
        #expect(try fixture.storedFailedPayloads() == fixture.expectedFailedPayloads)
        #expect(try fixture.scalar("SELECT COUNT(*) FROM failed_messages WHERE status = 'dead'") == fixture.expectedFailedPayloads.count)
    }
}
