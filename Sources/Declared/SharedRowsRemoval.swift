import GRDB
import Primitives

/// Takes a source partition's stored events out of the aggregations' rows kept for every partition
/// together (topic `''`, partition -1: the changelog off), for `eddy offsets reset`: counts and sums lose
/// what those events added, and rows whose count comes to 0 go.
enum SharedRowsRemoval {
    static let shared = "topic = '' AND partition = -1"

    /// - Returns: notes of what may be left of the partition (events no longer stored, measures that
    ///   cannot be taken back); `nil` when nothing is.
    static func takeOut(_ db: Database, _ definition: WorkloadDefinition, topic: String, partition: Int32) throws -> String? {
        var notes: [String] = []
        for aggregation in definition.aggregations {
            let table = aggregation.table
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table) WHERE \(shared))") ?? false else { continue }
            let recompute = AggregationRecompute(aggregation, definition)
            if let reason = recompute.unavailable {
                notes.append("\(table) may still count messages of the old log of \(topic)[\(partition)]: \(reason)")
                continue
            }
            let gone = recompute.select(where: "topic = ?1 AND partition = ?2", firstParameter: 3)
            let subtracted = aggregation.measures.enumerated().compactMap { index, measure -> String? in
                switch measure.kind {
                case .count, .sum: "\(measure.name) = \(measure.name) - gone.m\(index)"
                case .min, .max: nil
                }
            }
            let matches = (["\(aggregation.windowColumn) = gone.w"] + recompute.groups.enumerated().map { "\($1.column) IS gone.g\($0)" })
                .joined(separator: " AND ")
            let touched = try Int.fetchOne(
                db, sql: "WITH gone AS (\(gone.sql)) SELECT count(*) FROM \(table), gone WHERE \(shared) AND \(matches)",
                arguments: StatementArguments([topic.databaseValue, Int64(partition).databaseValue] + gone.arguments)
            ) ?? 0
            if !subtracted.isEmpty {
                try db.execute(
                    sql: "WITH gone AS (\(gone.sql)) UPDATE \(table) SET \(subtracted.joined(separator: ", ")) FROM gone WHERE \(shared) AND \(matches)",
                    arguments: StatementArguments([topic.databaseValue, Int64(partition).databaseValue] + gone.arguments)
                )
            }
            if let count = aggregation.measures.first(where: { $0.kind == .count }) {
                try db.execute(sql: "DELETE FROM \(table) WHERE \(shared) AND \(count.name) <= 0")
            }
            let kept = aggregation.measures.filter { measure in
                switch measure.kind {
                case .min, .max: true
                case .count, .sum: false
                }
            }
            if touched > 0, !kept.isEmpty {
                notes.append("\(table) keeps the values of \(kept.map(\.name).joined(separator: ", ")) (a smallest or largest value cannot be taken back)")
            }
            let oldest = try Int64.fetchOne(
                db, sql: "SELECT min(\(recompute.windowStart)) FROM \(recompute.events!) WHERE topic = ? AND partition = ?", arguments: [topic, partition]
            )
            let older = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM \(table) WHERE \(shared) AND \(aggregation.windowColumn) < ?)", arguments: [oldest ?? Int64.max]
            ) ?? false
            if older {
                let windows = oldest.map { "the windows before \(ISO8601UTC.format($0))" } ?? "every window (none of its events is stored)"
                notes.append(
                    "\(table) may still count messages of the old log of \(topic)[\(partition)] in \(windows): their events are no longer stored "
                        + "to take them out by (retention deleted them)")
            }
        }
        return notes.isEmpty ? nil : notes.joined(separator: "; ")
    }
}
