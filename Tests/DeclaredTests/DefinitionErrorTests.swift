import Declared
import Foundation
import Testing

/// A bad workload file is one error naming the line, the key and what to write instead: one case per
/// kind of mistake.
@Suite struct DefinitionErrorTests {
    /// A valid file that each case changes in one place.
    static let valid = """
        name: orders
        source:
          topics: [orders]
        fields:
          order_id: {type: string, required: true}
          amount: {type: decimal, scale: 2, required: true}
          currency: {type: string, required: true}
          note: {type: string}
          ts: {type: rfc3339, required: true}
        aggregations:
          - table: order_totals
            window: 1h
            time: ts
            group_by: [currency]
            measures:
              orders: count
              amount: {sum: amount}
        """

    struct Case: CustomTestStringConvertible, Sendable {
        let kind: String
        let replace: String
        let with: String
        let line: Int
        let key: String
        let says: String
        var testDescription: String { kind }
    }

    static let cases: [Case] = [
        Case(kind: "unknown type", replace: "amount: {type: decimal, scale: 2", with: "amount: {type: money, scale: 2",
             line: 6, key: "fields.amount.type", says: "`money` is not a type; the types are string, integer"),
        Case(kind: "group-by field not declared", replace: "group_by: [currency]", with: "group_by: [currency, country]",
             line: 14, key: "aggregations[0].group_by[1]", says: "`country` is not a declared field"),
        Case(kind: "window of 0", replace: "window: 1h", with: "window: 0m",
             line: 12, key: "aggregations[0].window", says: "a window of 0 holds no time"),
        Case(kind: "measure on a string field", replace: "amount: {sum: amount}", with: "amount: {sum: currency}",
             line: 17, key: "aggregations[0].measures.amount.sum", says: "sum needs a numeric field (integer, number, digits, decimal); `currency` is string"),
        Case(kind: "unknown key", replace: "    window: 1h", with: "    windw: 1h",
             line: 11, key: "aggregations[0]", says: "needs `window`"),
        Case(kind: "misspelt optional key", replace: "  topics: [orders]", with: "  topics: [orders]\n  fromat: json",
             line: 4, key: "source.fromat", says: "is not a key here; `source` takes `format`, `topics`"),
        Case(kind: "not YAML", replace: "  topics: [orders]", with: "  topics: [orders",
             line: 4, key: "", says: "is not valid YAML"),
        Case(kind: "optional group-by field without default", replace: "group_by: [currency]", with: "group_by: [note]",
             line: 14, key: "aggregations[0].group_by[0]", says: "`note` may be missing: give it a `default`"),
        Case(kind: "decimal without scale", replace: "amount: {type: decimal, scale: 2, required: true}", with: "amount: {type: decimal, required: true}",
             line: 6, key: "fields.amount", says: "a decimal needs `scale`"),
        Case(kind: "window by a field that is no time", replace: "    time: ts", with: "    time: amount",
             line: 13, key: "aggregations[0].time", says: "`amount` is decimal: a time field is unix-seconds or rfc3339"),
        Case(kind: "a table of Eddy's own", replace: "table: order_totals", with: "table: failed_messages",
             line: 1, key: "", says: "the table name `failed_messages` is Eddy's own"),
        Case(kind: "a name SQL cannot take", replace: "table: order_totals", with: "table: Order Totals",
             line: 11, key: "aggregations[0].table", says: "cannot name a table or column"),
        Case(kind: "default on a required field", replace: "currency: {type: string, required: true}", with: "currency: {type: string, required: true, default: EUR}",
             line: 7, key: "fields.currency.default", says: "a required field is never missing"),
        Case(kind: "a check the type has not", replace: "amount: {type: decimal, scale: 2, required: true}",
             with: "amount: {type: decimal, scale: 2, required: true, checks: {max_length: 3}}",
             line: 6, key: "fields.amount.checks.max_length", says: "applies to string fields only; this field is decimal"),
        Case(kind: "distinct count", replace: "amount: {sum: amount}", with: "amount: {distinct_count: order_id}",
             line: 17, key: "aggregations[0].measures.amount.distinct_count", says: "cannot be declared yet"),
        Case(kind: "a measure that is none", replace: "orders: count", with: "orders: total",
             line: 16, key: "aggregations[0].measures.orders", says: "`total` is not a measure"),
        Case(kind: "nothing to keep", replace: "aggregations:", with: "aggregation:",
             line: 10, key: "aggregation", says: "is not a key here"),
    ]

    @Test(arguments: cases)
    func aBadFileIsOneErrorWithItsLineAndKey(_ bad: Case) throws {
        #expect(Self.valid.contains(bad.replace), "the case must change the valid file")
        let yaml = Self.valid.replacingOccurrences(of: bad.replace, with: bad.with)
        let error = #expect(throws: DefinitionError.self) { try DefinitionReader.read(yaml, file: "orders.yaml") }
        #expect(error?.line == bad.line, "\(error?.description ?? "")")
        #expect(error?.key == bad.key, "\(error?.description ?? "")")
        #expect(error?.message.contains(bad.says) == true, "\(error?.description ?? "")")
        #expect(error?.description.hasPrefix("orders.yaml:\(bad.line)") == true)
    }

    @Test func theValidFileReads() throws {
        let definition = try DefinitionReader.read(Self.valid, file: "orders.yaml")
        #expect(definition.fields.map(\.name) == ["order_id", "amount", "currency", "note", "ts"])
    }
}
