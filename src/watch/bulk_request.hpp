// watch/bulk_request.hpp - the Elasticsearch bulk API as Winlogbeat speaks it: parsing a
// `POST /_bulk` body, and building the answers Beats reads back.
//
// Winlogbeat's `output.elasticsearch` can point at vigie: it sends NDJSON pairs of an action
// line and a source line (`{"create":{"_index":"winlogbeat-8.11.0"}}` then the event as ECS
// JSON), and reads back one status per item. parse_bulk_body() cuts the body into items without
// parsing the events: each item gives its action, `_index`, `_id`, its source line as a view,
// its line number and byte offset, and what is wrong with it. Action lines are read with
// simdjson's DOM parser (fully validated; the On Demand API would run its portable fallback
// kernel here, as vigie is not built for one CPU); source lines are only checked to look like
// one JSON object.
//
// The body: action lines `index` and `create` (a source line follows), `update` (a partial
// document follows; refused per item, vigie stores nothing to update) and `delete` (no source);
// blank lines skipped, CRLF accepted, the final newline optional. A malformed or unknown action
// line is an item with a problem; the line after it is taken as its source unless it is itself
// a valid action line, so one bad line costs one item. Request-level errors (the whole request
// refused): kParse for an empty body or a first line that is not a JSON action (a JSON array, a
// pretty-printed document: not NDJSON); kLimitExceeded past `max_items` or for a line over
// `max_line_bytes`.
//
// Lifetimes: BulkItem `source` views the body; `_index` and `_id` view the BulkRequest's own
// storage (one copy per distinct index, one per id): keep both while the items are used. A
// BulkRequest may be moved.
//
// What the HTTP handler must send (read from Beats' libbeat/outputs/elasticsearch and
// libbeat/esleg/eslegclient, and x-pack/libbeat/licenser):
//   - every answer: `Content-Type: application/json` and `X-Elastic-Product: Elasticsearch`
//     (go-elasticsearch and the other official 8.x clients refuse a server without it; Beats'
//     own client does not check, it costs nothing).
//   - `GET /` -> 200 render_root_info(): Beats reads `version.number` and refuses a server
//     older than itself unless `output.elasticsearch.allow_older_versions: true`, so
//     configure a version at least the Beats' own.
//   - `GET /_license` (Beats adds `?human=false`) -> 200 render_license(): an active basic
//     licence; a 400 or 405 makes Beats assume an OSS server and refuse to start.
//   - `POST /_bulk` (other clients also use `/<index>/_bulk`; Beats adds
//   `?filter_path=errors,items.*.error,
//     items.*.status`, which may be ignored: extra fields are skipped) -> 200
//     render_bulk_response() with one item per request item, in order; each item is an object
//     with one key (the action) holding `status` (and `error`). Beats: status < 300 acked, 409
//     counted a duplicate (acked), 429 and >= 500 retried, other 4xx dropped (or sent to its
//     dead-letter index). A whole-request status other than 200 retries the whole batch;
//     413 makes Beats split the batch in two and retry (what kLimitExceeded should answer).
//   - Beats gzips the body when `compression_level` > 0 (1 in its 8.x performance presets):
//     accept `Content-Encoding: gzip` (cpp-httplib inflates it when built with zlib support).
//   - Whole-request errors: render_request_error() with 400 (kParse), 413 (kLimitExceeded),
//     429 (queue full: Beats retries with backoff), 503.
//   - Winlogbeat's `setup.*` steps (index templates, ILM) call other ES endpoints: tell users
//     to disable them (`setup.template.enabled: false`, `setup.ilm.enabled: false`); vigie has
//     nothing to load them into.
//
//   auto req = watch::parse_bulk_body(body, limits);
//   if (!req) {
//       const int status = req.error().code == core::ErrorCode::kLimitExceeded ? 413 : 400;
//       return reply(status, watch::render_request_error(status, req.error().message));
//   }
//   std::vector<watch::ItemOutcome> outcomes = watch::default_outcomes(*req);
//   for (std::size_t i = 0; i < req->items.size(); ++i) {
//       if (outcomes[i].kind != watch::ItemOutcome::Kind::kCreated) continue;
//       if (!queue.try_push(req->items[i].source))
//           outcomes[i] = watch::ItemOutcome::rejected("queue full");  // Beats retries it
//   }
//   reply(200, watch::render_bulk_response(*req, outcomes, took_ms, id_generator));
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace vigie::watch {

enum class BulkAction : std::uint8_t { kIndex, kCreate, kUpdate, kDelete, kUnknown };

/// "index", "create", "update", "delete"; "index" for kUnknown (the key answered for it).
const char* bulk_action_name(BulkAction action) noexcept;

struct BulkLimits {
    std::size_t max_items = 10'000;  ///< Beats sends 1,600 at most with its presets, 50 by default
    std::size_t max_line_bytes = std::size_t{16} << 20;
};

struct BulkItem {
    enum class Problem : std::uint8_t {
        kNone,
        kMalformedAction,    ///< the action line is not JSON, or not `{"action":{...}}`
        kUnknownAction,      ///< an action other than index/create/update/delete
        kMissingSource,      ///< index/create/update at the end of the body
        kSourceNotObject,    ///< the source line is not a JSON object
        kUnsupportedAction,  ///< update: valid, but vigie cannot apply it
    };
    BulkAction action = BulkAction::kUnknown;
    Problem problem = Problem::kNone;
    std::string_view index;    ///< `_index`, unescaped; empty when absent
    std::string_view id;       ///< `_id`, unescaped; empty when absent
    std::string_view source;   ///< the source line (no CR/LF); empty for delete and when missing
    std::string why;           ///< what the problem is, for the answer and the logs
    std::uint64_t line = 0;    ///< 1-based line of the action line in the body
    std::uint64_t offset = 0;  ///< byte offset of the action line in the body
    std::uint64_t source_offset = 0;  ///< byte offset of the source line, when there is one

    bool ok() const noexcept { return problem == Problem::kNone; }
};

struct BulkRequest {
    std::vector<BulkItem> items;
    /// The `_index` and `_id` values the items view (a deque: growing it never moves them).
    std::deque<std::string> strings;
};

core::Result<BulkRequest> parse_bulk_body(std::string_view body, const BulkLimits& limits = {});

/// What became of one item, for the answer.
struct ItemOutcome {
    enum class Kind : std::uint8_t {
        kCreated,    ///< 201 "created" (index and create alike: each event is new)
        kNotFound,   ///< 404 "not_found" (delete: vigie keeps no documents); not an error
        kInvalid,    ///< 400 mapper_parsing_exception: the event cannot be read (dropped by Beats)
        kBadAction,  ///< 400 illegal_argument_exception: malformed, unknown or unsupported action
        kRejected,   ///< 429 es_rejected_execution_exception: retried by Beats
    };
    Kind kind = Kind::kCreated;
    std::string_view reason;  ///< for failures; viewed until the answer is rendered

    static ItemOutcome created() noexcept { return {Kind::kCreated, {}}; }
    static ItemOutcome invalid(std::string_view why) noexcept { return {Kind::kInvalid, why}; }
    static ItemOutcome rejected(std::string_view why) noexcept { return {Kind::kRejected, why}; }
};

/// One outcome per item from the parse alone: items with a problem get kBadAction (action
/// problems, update) or kInvalid (source problems) with their `why`, deletes kNotFound, the
/// rest kCreated. The daemon then changes those it could not accept. Views `request`.
std::vector<ItemOutcome> default_outcomes(const BulkRequest& request);

/// Makes `_id`s for items that came without one, shaped like Elasticsearch's (20 URL-safe
/// base64 characters). Deterministic for a seed; give each daemon run a different seed (the
/// start time and the process id) so IDs do not repeat across restarts. Not thread-safe: one
/// per HTTP worker, or behind the handler's lock.
class BulkIdGenerator {
  public:
    explicit BulkIdGenerator(std::uint64_t seed) noexcept : seed_(seed) {}
    /// Appends the next ID (20 characters) to `out`.
    void append_next(std::string& out);

  private:
    std::uint64_t seed_;
    std::uint64_t counter_ = 0;
};

/// The 200 answer to a bulk request, byte for byte in Elasticsearch 8.x's shape:
/// `{"took":N,"errors":B,"items":[{"create":{"_index":..,"_id":..,"_version":1,"result":"created",
/// "_shards":{..},"_seq_no":..,"_primary_term":1,"status":201}},..]}`; failed items carry
/// `"status":4xx,"error":{"type":..,"reason":..}` instead of the result. `outcomes` has one entry
/// per item (missing entries count as kCreated). Every string is JSON-escaped.
std::string render_bulk_response(const BulkRequest& request, std::span<const ItemOutcome> outcomes,
                                 std::uint64_t took_ms, BulkIdGenerator& ids);

/// What `GET /` reports.
struct EsServerIdentity {
    std::string_view node_name = "vigie";
    std::string_view cluster_name = "vigie";
    std::string_view cluster_uuid = "dmlnaWUtd2F0Y2gtMDAx";
    std::string_view version = "8.11.0";  ///< at least the Winlogbeat version sending to us
};

/// The `GET /` answer: name, cluster_name, cluster_uuid, version (number, build_flavor
/// "default", ...), tagline "You Know, for Search".
std::string render_root_info(const EsServerIdentity& identity = {});

/// The `GET /_license` answer: an active "basic" licence.
std::string render_license();

/// Elasticsearch's error body for a refused request: `{"error":{"root_cause":[{"type":..,
/// "reason":..}],"type":..,"reason":..},"status":N}`. The type follows the status: 400
/// illegal_argument_exception, 429 es_rejected_execution_exception, others exception (Beats
/// reads only the status of a refused request).
std::string render_request_error(int status, std::string_view reason);

}  // namespace vigie::watch
