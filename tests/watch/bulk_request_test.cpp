// The Elasticsearch bulk API as Winlogbeat uses it: cutting `_bulk` bodies into items (every
// broken line costing one item), request-level refusals, and answers Beats can read back.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "watch/bulk_request.hpp"

namespace {

namespace core = vigie::core;
namespace watch = vigie::watch;
using watch::BulkAction;
using watch::BulkItem;
using Problem = BulkItem::Problem;

std::string read_fixture(const std::string& name) {
    std::ifstream in(std::string(VIGIE_SOURCE_DIR) + "/tests/watch/fixtures/" + name,
                     std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

watch::BulkRequest parse_ok(std::string_view body, const watch::BulkLimits& limits = {}) {
    auto r = watch::parse_bulk_body(body, limits);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().to_string());
    return r ? std::move(*r) : watch::BulkRequest{};
}

// The answer parsed back, as Beats reads it: one single-key object per item.
struct Answer {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    explicit Answer(const std::string& json) {
        const auto err = parser.parse(json).get(doc);
        EXPECT_EQ(err, simdjson::SUCCESS) << json;
    }
    simdjson::dom::array items() { return doc["items"].get_array().value(); }
    // The item's only key and its inner object.
    std::pair<std::string_view, simdjson::dom::object> item(std::size_t i) {
        simdjson::dom::object outer = items().at(i).get_object().value();
        EXPECT_EQ(outer.size(), 1u);
        auto field = *outer.begin();
        return {field.key, field.value.get_object().value()};
    }
};

std::string render(const watch::BulkRequest& r, std::uint64_t seed = 7) {
    watch::BulkIdGenerator ids(seed);
    const auto outcomes = watch::default_outcomes(r);
    return watch::render_bulk_response(r, outcomes, 3, ids);
}

}  // namespace

TEST(BulkRequest, WinlogbeatBodyAndItsAnswer) {
    const std::string body = read_fixture("winlogbeat_bulk.ndjson");
    ASSERT_FALSE(body.empty());
    const watch::BulkRequest r = parse_ok(body);
    ASSERT_EQ(r.items.size(), 3u);
    simdjson::dom::parser source_parser;
    const char* expected_ids[] = {"4624", "4688", "7045"};
    for (std::size_t i = 0; i < 3; ++i) {
        const BulkItem& item = r.items[i];
        SCOPED_TRACE(i);
        EXPECT_TRUE(item.ok()) << item.why;
        EXPECT_EQ(item.action, BulkAction::kCreate);
        EXPECT_EQ(item.index, "winlogbeat-8.11.0");
        EXPECT_EQ(item.id, "");
        EXPECT_EQ(item.line, 2 * i + 1);
        EXPECT_EQ(body.substr(item.offset, 41), R"({"create":{"_index":"winlogbeat-8.11.0"}})");
        EXPECT_EQ(item.source_offset, item.offset + 42);
        // One copy of the index for the whole request.
        EXPECT_EQ(item.index.data(), r.items[0].index.data());
        // The source is left whole for the daemon.
        simdjson::dom::element doc;
        ASSERT_EQ(source_parser.parse(std::string(item.source)).get(doc), simdjson::SUCCESS);
        EXPECT_EQ(doc["winlog"]["event_id"].get_string().value(), expected_ids[i]);
    }
    const std::string json = render(r);
    Answer a(json);
    EXPECT_EQ(a.doc["took"].get_uint64().value(), 3u);
    EXPECT_FALSE(a.doc["errors"].get_bool().value());
    ASSERT_EQ(a.items().size(), 3u);
    std::set<std::string> ids;
    for (std::size_t i = 0; i < 3; ++i) {
        auto [action, inner] = a.item(i);
        EXPECT_EQ(action, "create");
        EXPECT_EQ(inner["status"].get_int64().value(), 201);
        EXPECT_EQ(inner["result"].get_string().value(), "created");
        EXPECT_EQ(inner["_index"].get_string().value(), "winlogbeat-8.11.0");
        const std::string id(inner["_id"].get_string().value());
        EXPECT_EQ(id.size(), 20u);
        ids.insert(id);
    }
    EXPECT_EQ(ids.size(), 3u) << "generated _ids are distinct";
    EXPECT_EQ(
        json.rfind(
            R"({"took":3,"errors":false,"items":[{"create":{"_index":"winlogbeat-8.11.0","_id":")",
            0),
        0u);
}

TEST(BulkRequest, AnswerIsByteExactForAKnownRequest) {
    const watch::BulkRequest r = parse_ok(
        "{\"create\":{\"_index\":\"w\",\"_id\":\"a1\"}}\n{\"x\":1}\n{\"delete\":{\"_index\":\"w\","
        "\"_id\":\"d\"}}\n");
    std::vector<watch::ItemOutcome> outcomes = watch::default_outcomes(r);
    watch::BulkIdGenerator ids(1);
    EXPECT_EQ(
        watch::render_bulk_response(r, outcomes, 12, ids),
        R"({"took":12,"errors":false,"items":[)"
        R"({"create":{"_index":"w","_id":"a1","_version":1,"result":"created","_shards":{"total":1,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1,"status":201}},)"
        R"({"delete":{"_index":"w","_id":"d","_version":1,"result":"not_found","_shards":{"total":1,"successful":1,"failed":0},"_seq_no":1,"_primary_term":1,"status":404}}]})");
    outcomes[0] = watch::ItemOutcome::rejected("queue full");
    EXPECT_EQ(
        watch::render_bulk_response(r, outcomes, 0, ids),
        R"({"took":0,"errors":true,"items":[{"create":{"_index":"w","_id":"a1","status":429,"error":{"type":"es_rejected_execution_exception","reason":"queue full"}}},)"
        R"({"delete":{"_index":"w","_id":"d","_version":1,"result":"not_found","_shards":{"total":1,"successful":1,"failed":0},"_seq_no":1,"_primary_term":1,"status":404}}]})");
}

TEST(BulkRequest, EveryActionKeepsItsNameAndOrder) {
    const watch::BulkRequest r = parse_ok(
        "{\"index\":{\"_index\":\"i\"}}\n{\"a\":1}\n"
        "{\"delete\":{\"_index\":\"i\",\"_id\":\"9\"}}\n"
        "{\"update\":{\"_index\":\"i\",\"_id\":\"9\"}}\n{\"doc\":{\"a\":2}}\n"
        "{\"create\":{\"_index\":\"i\",\"_id\":\"c\",\"pipeline\":\"p\",\"require_alias\":true,\"_"
        "type\":\"_doc\",\"dynamic_templates\":{\"x\":\"y\"}}}\n{\"b\":1}\n");
    ASSERT_EQ(r.items.size(), 4u);
    EXPECT_EQ(r.items[0].action, BulkAction::kIndex);
    EXPECT_TRUE(r.items[0].ok());
    EXPECT_EQ(r.items[1].action, BulkAction::kDelete);
    EXPECT_TRUE(r.items[1].source.empty());
    EXPECT_EQ(r.items[2].action, BulkAction::kUpdate);
    EXPECT_EQ(r.items[2].problem, Problem::kUnsupportedAction);
    EXPECT_EQ(r.items[2].source, "{\"doc\":{\"a\":2}}");
    EXPECT_EQ(r.items[3].action, BulkAction::kCreate);
    EXPECT_TRUE(r.items[3].ok()) << r.items[3].why;
    EXPECT_EQ(r.items[3].id, "c");
    EXPECT_EQ(r.items[3].source, "{\"b\":1}");
    Answer a(render(r));
    EXPECT_TRUE(a.doc["errors"].get_bool().value());
    const std::pair<const char*, std::int64_t> expected[] = {
        {"index", 201}, {"delete", 404}, {"update", 400}, {"create", 201}};
    for (std::size_t i = 0; i < 4; ++i) {
        auto [action, inner] = a.item(i);
        EXPECT_EQ(action, expected[i].first);
        EXPECT_EQ(inner["status"].get_int64().value(), expected[i].second);
    }
    EXPECT_EQ(a.item(2).second["error"]["type"].get_string().value(), "illegal_argument_exception");
}

TEST(BulkRequest, MissingOrBadSourceIsAnItemError) {
    const watch::BulkRequest r = parse_ok(
        "{\"create\":{\"_index\":\"i\"}}\n[1,2]\n{\"create\":{\"_index\":\"i\"}}\n\"text\"\n"
        "{\"create\":{\"_index\":\"i\"}}\n{\"ok\":true}\n{\"index\":{\"_index\":\"i\"}}\n");
    ASSERT_EQ(r.items.size(), 4u);
    EXPECT_EQ(r.items[0].problem, Problem::kSourceNotObject);
    EXPECT_EQ(r.items[1].problem, Problem::kSourceNotObject);
    EXPECT_TRUE(r.items[2].ok());
    EXPECT_EQ(r.items[3].problem, Problem::kMissingSource);
    EXPECT_FALSE(r.items[3].why.empty());
    Answer a(render(r));
    EXPECT_TRUE(a.doc["errors"].get_bool().value());
    const std::int64_t statuses[] = {400, 400, 201, 400};
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(a.item(i).second["status"].get_int64().value(), statuses[i]);
    }
    EXPECT_EQ(a.item(3).second["error"]["type"].get_string().value(), "mapper_parsing_exception");
    EXPECT_EQ(a.item(3).second["error"]["reason"].get_string().value(), r.items[3].why);
}

TEST(BulkRequest, ABrokenActionLineCostsOneItem) {
    // Followed by its source: the source goes with it.
    const watch::BulkRequest a = parse_ok(
        "{\"create\":{}}\n{\"a\":1}\n{\"create\":{\"_index\":\"i\"\n{\"b\":2}\n"
        "{\"create\":{\"_index\":\"i\"}}\n{\"c\":3}\n");
    ASSERT_EQ(a.items.size(), 3u);
    EXPECT_EQ(a.items[1].problem, Problem::kMalformedAction);
    EXPECT_EQ(a.items[1].line, 3u);
    EXPECT_EQ(a.items[1].source, "{\"b\":2}");
    EXPECT_TRUE(a.items[2].ok());
    EXPECT_EQ(a.items[2].source, "{\"c\":3}");
    // Followed directly by the next action: that action is kept.
    const watch::BulkRequest b = parse_ok(
        "{\"create\":{}}\n{\"a\":1}\nnot json\n{\"create\":{\"_index\":\"i\"}}\n{\"c\":3}\n");
    ASSERT_EQ(b.items.size(), 3u);
    EXPECT_EQ(b.items[1].problem, Problem::kMalformedAction);
    EXPECT_TRUE(b.items[1].source.empty());
    EXPECT_EQ(b.items[2].problem, Problem::kNone);
    EXPECT_EQ(b.items[2].source, "{\"c\":3}");
    // More than one action, metadata that is not an object, a non-string _id, trailing text.
    for (const std::string_view bad :
         {R"({"create":{},"index":{}})", R"({"create":"x"})", R"({"create":{"_id":5}})",
          R"({"create":{}} {"x":1})", R"({})", R"({"create":{"_index":["a"]}})"}) {
        SCOPED_TRACE(bad);
        const watch::BulkRequest c =
            parse_ok("{\"create\":{}}\n{\"a\":1}\n" + std::string(bad) + "\n{\"b\":1}\n");
        ASSERT_EQ(c.items.size(), 2u);
        EXPECT_EQ(c.items[1].problem, Problem::kMalformedAction);
        EXPECT_FALSE(c.items[1].why.empty());
    }
}

TEST(BulkRequest, UnknownActionIsAnItemError) {
    const watch::BulkRequest r =
        parse_ok("{\"upsert\":{\"_index\":\"x\"}}\n{\"a\":1}\n{\"create\":{}}\n{\"b\":2}\n");
    ASSERT_EQ(r.items.size(), 2u);
    EXPECT_EQ(r.items[0].problem, Problem::kUnknownAction);
    EXPECT_NE(r.items[0].why.find("upsert"), std::string::npos);
    EXPECT_EQ(r.items[0].source, "{\"a\":1}");
    EXPECT_TRUE(r.items[1].ok());
    Answer a(render(r));
    auto [action, inner] = a.item(0);
    EXPECT_EQ(action, "index");
    EXPECT_EQ(inner["status"].get_int64().value(), 400);
}

TEST(BulkRequest, BlankLinesCrLfAndNoFinalNewline) {
    const std::string body =
        "\r\n\n{\"index\":{\"_index\":\"i\",\"_id\":\"1\"}}\r\n\r\n  \t\n{\"x\":1}\r\n"
        "{\"create\":{\"_index\":\"i\"}}\n{\"y\":2}";
    const watch::BulkRequest r = parse_ok(body);
    ASSERT_EQ(r.items.size(), 2u);
    EXPECT_EQ(r.items[0].line, 3u);
    EXPECT_EQ(r.items[0].offset, 3u);
    EXPECT_EQ(r.items[0].source, "{\"x\":1}");
    EXPECT_EQ(r.items[1].line, 7u);
    EXPECT_EQ(r.items[1].source, "{\"y\":2}");
    EXPECT_EQ(body.substr(r.items[1].source_offset), "{\"y\":2}");
}

TEST(BulkRequest, LimitsRefuseTheWholeRequest) {
    const std::string pair = "{\"create\":{}}\n{\"a\":1}\n";
    watch::BulkLimits limits;
    limits.max_items = 2;
    EXPECT_TRUE(watch::parse_bulk_body(pair + pair, limits).has_value());
    auto too_many = watch::parse_bulk_body(pair + pair + pair, limits);
    ASSERT_FALSE(too_many.has_value());
    EXPECT_EQ(too_many.error().code, core::ErrorCode::kLimitExceeded);
    EXPECT_NE(too_many.error().message.find("more than 2 items"), std::string::npos);

    limits = {};
    limits.max_line_bytes = 20;
    const std::string line20 = "{\"a\":\"" + std::string(12, 'x') + "\"}";
    ASSERT_EQ(line20.size(), 20u);
    EXPECT_TRUE(watch::parse_bulk_body("{\"create\":{}}\n" + line20 + "\n", limits).has_value());
    auto too_long = watch::parse_bulk_body("{\"create\":{}}\n" + line20 + "x\n", limits);
    ASSERT_FALSE(too_long.has_value());
    EXPECT_EQ(too_long.error().code, core::ErrorCode::kLimitExceeded);
    EXPECT_EQ(too_long.error().location.line, 2u);
    EXPECT_EQ(too_long.error().location.offset, 14u);
    // An over-long line anywhere, even after a broken action or at the very end.
    EXPECT_FALSE(watch::parse_bulk_body(
                     "{\"create\":{}}\n" + line20 + "\nbad\n" + std::string(30, 'y'), limits)
                     .has_value());
}

TEST(BulkRequest, BodiesThatAreNotNdjsonAreRefused) {
    for (const std::string_view body :
         {"", "\n\r\n  \n", R"([{"create":{}},{"a":1}])", "{\n  \"create\": {}\n}\n{\"a\":1}\n",
          "garbage\n{\"create\":{}}\n{\"a\":1}\n", "{\"create\":{}"}) {
        SCOPED_TRACE(body);
        auto r = watch::parse_bulk_body(body);
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().code, core::ErrorCode::kParse);
    }
}

TEST(BulkRequest, HostileIndexAndIdAreEscapedInTheAnswer) {
    const std::string body =
        R"({"create":{"_index":"a\"b\\c\u0001\n</script>","_id":"\"},{\"index\":{\"status\":201}}]}"}})"
        "\n{\"x\":1}\n";
    const watch::BulkRequest r = parse_ok(body);
    ASSERT_EQ(r.items.size(), 1u);
    ASSERT_TRUE(r.items[0].ok()) << r.items[0].why;
    EXPECT_EQ(r.items[0].index, "a\"b\\c\x01\n</script>");
    EXPECT_EQ(r.items[0].id, R"("},{"index":{"status":201}}]})");
    EXPECT_EQ(r.strings.size(), 2u);
    std::vector<watch::ItemOutcome> outcomes = {watch::ItemOutcome::invalid("bad \"doc\"\n\x02")};
    watch::BulkIdGenerator ids(0);
    Answer a(watch::render_bulk_response(r, outcomes, 1, ids));
    ASSERT_EQ(a.items().size(), 1u);
    auto [action, inner] = a.item(0);
    EXPECT_EQ(action, "create");
    EXPECT_EQ(inner["_index"].get_string().value(), r.items[0].index);
    EXPECT_EQ(inner["_id"].get_string().value(), r.items[0].id);
    EXPECT_EQ(inner["error"]["reason"].get_string().value(), "bad \"doc\"\n\x02");
}

TEST(BulkRequest, RequestMovesKeepTheirViews) {
    const std::string body = "{\"create\":{\"_index\":\"esc\\u0041ped\"}}\n{\"a\":1}\n";
    watch::BulkRequest moved = parse_ok(body);
    ASSERT_EQ(moved.items.size(), 1u);
    EXPECT_EQ(moved.items[0].index, "escAped");
}

TEST(BulkRequest, IdGeneratorMakesDistinctElasticsearchShapedIds) {
    watch::BulkIdGenerator a(0x0123456789abcdefULL), b(0x0123456789abcdeeULL);
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        std::string id;
        a.append_next(id);
        ASSERT_EQ(id.size(), 20u);
        EXPECT_EQ(id.find_first_not_of(
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                  std::string::npos);
        seen.insert(id);
        id.clear();
        b.append_next(id);
        seen.insert(id);
    }
    EXPECT_EQ(seen.size(), 2000u);
}

TEST(BulkRequest, RootInfoLicenseAndRequestErrors) {
    watch::EsServerIdentity identity;
    identity.version = "8.17.1";
    Answer root(watch::render_root_info(identity));
    EXPECT_EQ(root.doc["version"]["number"].get_string().value(), "8.17.1");
    EXPECT_EQ(root.doc["version"]["build_flavor"].get_string().value(), "default");
    EXPECT_EQ(root.doc["tagline"].get_string().value(), "You Know, for Search");
    EXPECT_EQ(root.doc["cluster_name"].get_string().value(), "vigie");
    EXPECT_FALSE(root.doc["cluster_uuid"].get_string().value().empty());

    Answer license(watch::render_license());
    EXPECT_EQ(license.doc["license"]["type"].get_string().value(), "basic");
    EXPECT_EQ(license.doc["license"]["status"].get_string().value(), "active");

    for (const int status : {400, 413, 429, 503}) {
        Answer e(watch::render_request_error(status, "why \"quoted\""));
        EXPECT_EQ(e.doc["status"].get_int64().value(), status);
        EXPECT_EQ(e.doc["error"]["reason"].get_string().value(), "why \"quoted\"");
        EXPECT_EQ(e.doc["error"]["root_cause"].at(0)["type"].get_string().value(),
                  e.doc["error"]["type"].get_string().value());
    }
    Answer e429(watch::render_request_error(429, "x"));
    EXPECT_EQ(e429.doc["error"]["type"].get_string().value(), "es_rejected_execution_exception");
}
