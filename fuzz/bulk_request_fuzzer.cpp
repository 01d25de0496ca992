// fuzz/bulk_request_fuzzer.cpp - libFuzzer target over the Elasticsearch bulk API: parsing a
// `_bulk` body, then building the answer.
//
// Anyone who reaches the port can post a body. Small limits make the limit paths reachable.
// Every item's views must lie inside the body or the request's own storage, items must come
// in body order, and the answer (or the request-level error body) must be valid JSON with one
// single-key item per request item, each with an integer status.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "watch/bulk_request.hpp"

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

void check_inside(std::string_view part, std::string_view whole) {
    if (part.empty()) return;
    check(part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace vigie;
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    watch::BulkLimits limits;
    limits.max_items = 200;
    limits.max_line_bytes = 4096;
    static simdjson::dom::parser parser;  // reused across runs: only the answer is parsed
    simdjson::dom::element doc;
    auto request = watch::parse_bulk_body(body, limits);
    if (!request) {
        const std::string answer = watch::render_request_error(
            request.error().code == core::ErrorCode::kLimitExceeded ? 413 : 400,
            request.error().message);
        check(parser.parse(answer).get(doc) == simdjson::SUCCESS);
        return 0;
    }
    check(!request->items.empty() && request->items.size() <= limits.max_items);
    std::uint64_t last_offset = 0;
    for (std::size_t i = 0; i < request->items.size(); ++i) {
        const watch::BulkItem& item = request->items[i];
        check(i == 0 || item.offset > last_offset);
        last_offset = item.offset;
        check_inside(item.source, body);
        check(item.source.empty() || item.source_offset > item.offset);
        check(item.source.size() <= limits.max_line_bytes);
        check(item.ok() == item.why.empty());
    }
    auto outcomes = watch::default_outcomes(*request);
    check(outcomes.size() == request->items.size());
    if (!outcomes.empty() && size % 3 == 0) outcomes[0] = watch::ItemOutcome::rejected("busy");
    watch::BulkIdGenerator ids(size);
    const std::string answer = watch::render_bulk_response(*request, outcomes, size, ids);
    check(parser.parse(answer).get(doc) == simdjson::SUCCESS);
    simdjson::dom::array items;
    check(doc["items"].get_array().get(items) == simdjson::SUCCESS);
    check(items.size() == request->items.size());
    for (const simdjson::dom::element item : items) {
        simdjson::dom::object outer;
        check(item.get_object().get(outer) == simdjson::SUCCESS && outer.size() == 1);
        std::int64_t status = 0;
        check((*outer.begin()).value["status"].get_int64().get(status) == simdjson::SUCCESS);
        check(status == 201 || status == 404 || status == 400 || status == 429);
    }
    return 0;
}
