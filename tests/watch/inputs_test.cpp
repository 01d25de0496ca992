// The network inputs in process, on loopback: JSON lines and syslog over TCP, the HTTP _bulk
// input and the API. Hostile peers: a stalled client holds up no one, garbage and oversized
// frames are counted, too many connections are refused, a body too large (even gzipped) is
// refused, the token is required where it is set.
#include <gtest/gtest.h>
#include <httplib.h>
#include <simdjson.h>
#include <zlib.h>

#include "engine_support.hpp"
#include "watch/http_server.hpp"
#include "watch/stream_framer.hpp"
#include "watch/tcp_listener.hpp"
#include "watch/watch_engine.hpp"
#include "watch_daemon.hpp"

namespace {

using namespace vigie;
using namespace vigie::test;

const std::string kDemoEvtx = std::string(VIGIE_SOURCE_DIR) + "/tests/fixtures/demo.evtx";

class Inputs : public ::testing::Test {
  protected:
    void SetUp() override {
        rules_ = load_pack();
        dir_ = std::make_unique<TempDir>("inputs");
        watch::WatchOptions o;
        o.state_dir = dir_->str() + "/state";
        o.match_threads = 2;
        o.idle_release_ms = 50;
        auto engine = watch::WatchEngine::open(*rules_, o);
        ASSERT_TRUE(engine) << engine.error().to_string();
        engine_ = std::move(*engine);
    }
    void TearDown() override {
        for (auto& l : listeners_) l->stop();
        if (http_) http_->stop();
        if (engine_) engine_->stop();
    }

    watch::TcpListener& listen(const std::string& kind, std::size_t max_connections = 16,
                               std::size_t per_peer = 16) {
        watch::TcpListenerOptions o;
        o.address = "127.0.0.1:0";
        o.kind = kind;
        o.max_connections = max_connections;
        o.max_connections_per_peer = per_peer;
        o.batch_wait_ms = 5;
        auto l = watch::TcpListener::open(
            *engine_, o,
            [kind]() -> std::unique_ptr<watch::StreamFramer> {
                if (kind == "syslog") return std::make_unique<watch::SyslogStreamFramer>(4096);
                return std::make_unique<watch::JsonLineFramer>(4096);
            },
            nullptr);
        EXPECT_TRUE(l) << l.error().to_string();
        listeners_.push_back(std::move(*l));
        return *listeners_.back();
    }

    watch::HttpServer& serve(const std::string& token = "") {
        watch::HttpServerOptions o;
        o.address = "127.0.0.1:0";
        o.token = token;
        o.max_body_bytes = 64 * 1024;
        o.bulk_wait_ms = 200;
        auto s = watch::HttpServer::open(*engine_, o, nullptr);
        EXPECT_TRUE(s) << s.error().to_string();
        http_ = std::move(*s);
        http_->start();
        return *http_;
    }

    watch::InputCounters& counters(std::uint32_t input) { return engine_->counters(input); }

    std::unique_ptr<sigma::RuleSet> rules_;
    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<watch::WatchEngine> engine_;
    std::vector<std::unique_ptr<watch::TcpListener>> listeners_;
    std::unique_ptr<watch::HttpServer> http_;
};

TEST_F(Inputs, JsonLinesOverTcpAStalledClientHoldsUpNoOne) {
    watch::TcpListener& l = listen("json-tcp");
    engine_->start();
    l.start();
    const auto lines = evtx_as_json_lines(kDemoEvtx);
    TcpClient stalled(l.port());
    ASSERT_TRUE(stalled.connected());
    ASSERT_TRUE(stalled.send(lines[0].substr(0, lines[0].size() / 2)));  // then nothing
    TcpClient client(l.port());
    std::string all;
    for (const std::string& line : lines) all += line + "\n";
    ASSERT_TRUE(client.send(all.substr(0, 100)));  // split anywhere
    ASSERT_TRUE(client.send(all.substr(100)));
    ASSERT_TRUE(wait_until([&] { return counters(l.input()).events_processed == lines.size(); }))
        << counters(l.input()).events_processed;
    EXPECT_EQ(counters(l.input()).connections_open, 2u);
    EXPECT_GT(engine_->status().detections, 0u);
    // The stalled client's half line is its own: when it finishes, the event is whole.
    ASSERT_TRUE(stalled.send(lines[0].substr(lines[0].size() / 2) + "\n"));
    ASSERT_TRUE(
        wait_until([&] { return counters(l.input()).events_processed == lines.size() + 1; }));
    EXPECT_EQ(engine_->status().duplicates, engine_->status().detections == 0 ? 0u : 1u)
        << "the resent first event is recognised";
}

TEST_F(Inputs, GarbageAndOversizedLinesAreCountedAndTheConnectionGoesOn) {
    watch::TcpListener& l = listen("json-tcp");
    engine_->start();
    l.start();
    TcpClient client(l.port());
    const auto lines = evtx_as_json_lines(kDemoEvtx);
    std::string bytes = "garbage\n" + std::string(10000, 'x') + "\n{\"half\":\n" + lines[1] + "\n";
    bytes += std::string("\0\0\0\n", 4);
    ASSERT_TRUE(client.send(bytes));
    ASSERT_TRUE(wait_until([&] { return counters(l.input()).events_processed == 1; }));
    ASSERT_TRUE(wait_until([&] { return counters(l.input()).events_rejected == 4; }))
        << counters(l.input()).events_rejected;  // garbage, oversized, cut, NULs
}

TEST_F(Inputs, ConnectionsOverTheLimitAreRefusedAndCounted) {
    watch::TcpListener& l = listen("json-tcp", 2);
    engine_->start();
    l.start();
    TcpClient a(l.port()), b(l.port());
    ASSERT_TRUE(wait_until([&] { return counters(l.input()).connections_open == 2; }));
    TcpClient c(l.port());
    ASSERT_TRUE(wait_until([&] { return counters(l.input()).connections_refused == 1; }));
    a.close();
    ASSERT_TRUE(wait_until([&] { return counters(l.input()).connections_open == 1; }));
    TcpClient d(l.port());
    ASSERT_TRUE(wait_until([&] { return counters(l.input()).connections_open == 2; }));
}

TEST_F(Inputs, OneMachineCannotTakeEverySlot) {
    watch::TcpListener& l = listen("json-tcp", 10, 2);
    engine_->start();
    l.start();
    TcpClient a(l.port(), "127.0.0.1"), b(l.port(), "127.0.0.1");
    ASSERT_TRUE(wait_until([&] { return counters(l.input()).connections_open == 2; }));
    TcpClient c(l.port(), "127.0.0.1");
    ASSERT_TRUE(wait_until([&] { return counters(l.input()).connections_refused == 1; }));
    TcpClient other(l.port(), "127.0.0.2");
    ASSERT_TRUE(wait_until([&] { return counters(l.input()).connections_open == 3; }));
    EXPECT_EQ(counters(l.input()).connections_refused, 1u);
}

TEST_F(Inputs, SyslogOctetCountedAndLineFramedAsRsyslogAndNxlogSendThem) {
    watch::TcpListener& l = listen("syslog");
    engine_->start();
    l.start();
    const auto lines = evtx_as_json_lines(kDemoEvtx);
    std::string bytes;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i % 2 == 0) {  // NXLog to_syslog_ietf(), octet-counted
            const std::string m =
                "<14>1 2019-11-15T20:01:02.000000+01:00 DC01 Microsoft-Windows-"
                "Security-Auditing 716 - [NXLOG@14506 EventReceivedTime=\"x\"] " +
                lines[i];
            bytes += std::to_string(m.size()) + " " + m;
        } else {  // rsyslog's traditional forward format, newline-framed
            bytes += "<13>Nov 15 20:01:02 dc01 vigie-relay: " + lines[i] + "\n";
        }
    }
    bytes += "<13>Nov 15 20:01:02 dc01 rsyslogd: [origin software=\"rsyslogd\"] start\n";
    TcpClient client(l.port());
    for (std::size_t i = 0; i < bytes.size(); i += 333)
        ASSERT_TRUE(client.send(bytes.substr(i, 333)));
    ASSERT_TRUE(wait_until([&] { return counters(l.input()).events_processed == lines.size(); }))
        << counters(l.input()).events_processed;
    ASSERT_TRUE(wait_until([&] { return counters(l.input()).events_rejected == 1; }));
    // A broken octet count cannot be resynchronised: that connection is closed.
    TcpClient broken(l.port());
    ASSERT_TRUE(broken.send("12a <14>1 - - - - - - {}\n"));
    ASSERT_TRUE(wait_until([&] { return counters(l.input()).events_rejected == 2; }));
    ASSERT_TRUE(wait_until([&] { return counters(l.input()).connections_open == 1; }));
}

std::string bulk_body(const std::vector<std::string>& sources) {
    std::string body;
    for (const std::string& s : sources) {
        body += "{\"create\":{\"_index\":\"winlogbeat-8.11.0\"}}\n" + s + "\n";
    }
    return body;
}

TEST_F(Inputs, BulkAnswersPerItemOnceCommitted) {
    watch::HttpServer& server = serve();
    engine_->start();
    const auto lines = evtx_as_json_lines(kDemoEvtx);
    std::vector<std::string> sources(lines.begin(), lines.begin() + 4);
    sources.push_back("{\"a\": }");  // looks like an object, is not JSON: refused by the reader
    std::string body = bulk_body(sources) + "{\"delete\":{\"_index\":\"x\",\"_id\":\"1\"}}\n";
    httplib::Client client("127.0.0.1", server.port());
    auto r = client.Post("/_bulk", body, "application/x-ndjson");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->get_header_value("X-Elastic-Product"), "Elasticsearch");
    simdjson::dom::parser parser;
    simdjson::dom::element answer;
    ASSERT_EQ(parser.parse(r->body).get(answer), simdjson::SUCCESS) << r->body;
    EXPECT_TRUE(answer["errors"].get_bool().value_unsafe());
    std::vector<std::int64_t> statuses;
    simdjson::dom::array items;
    ASSERT_EQ(answer["items"].get_array().get(items), simdjson::SUCCESS);
    for (simdjson::dom::element item : items) {
        simdjson::dom::object one;
        ASSERT_EQ(item.get_object().get(one), simdjson::SUCCESS);
        for (auto field : one) statuses.push_back(field.value["status"].get_int64().value_unsafe());
    }
    // Four events, one that is not JSON (400), one delete (nothing to delete: 404).
    ASSERT_EQ(statuses.size(), 6u);
    for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(statuses[i], 201) << i;
    EXPECT_EQ(statuses[4], 400);
    EXPECT_EQ(statuses[5], 404);
    // Answered after the commit: the events are already processed.
    const auto bulk_input = static_cast<std::uint32_t>(engine_->inputs().size() - 1);
    EXPECT_EQ(engine_->counters(bulk_input).events_processed, 4u);
    EXPECT_EQ(engine_->counters(bulk_input).events_rejected, 2u);
    // Gzipped like Beats send it.
    std::string gz(body.size() + 1024, '\0');
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    z.next_in = reinterpret_cast<Bytef*>(body.data());
    z.avail_in = static_cast<uInt>(body.size());
    z.next_out = reinterpret_cast<Bytef*>(gz.data());
    z.avail_out = static_cast<uInt>(gz.size());
    ASSERT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
    gz.resize(z.total_out);
    deflateEnd(&z);
    httplib::Headers gzip{{"Content-Encoding", "gzip"}};
    r = client.Post("/winlogbeat/_bulk", gzip, gz, "application/x-ndjson");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(engine_->status().detections, engine_->status().duplicates)
        << "the same events again: nothing new";
}

TEST_F(Inputs, BulkRefusesWhatIsTooLargeEvenGzippedAndWhatIsNotNdjson) {
    watch::HttpServer& server = serve();
    engine_->start();
    httplib::Client client("127.0.0.1", server.port());
    auto r = client.Post("/_bulk", "[{\"a\":1}]", "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    // A gzip bomb: 64 KiB limit, 8 MiB of zeros inflated.
    std::string zeros(8 << 20, '0');
    std::string gz(zeros.size(), '\0');
    z_stream z{};
    deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    z.next_in = reinterpret_cast<Bytef*>(zeros.data());
    z.avail_in = static_cast<uInt>(zeros.size());
    z.next_out = reinterpret_cast<Bytef*>(gz.data());
    z.avail_out = static_cast<uInt>(gz.size());
    ASSERT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
    gz.resize(z.total_out);
    deflateEnd(&z);
    ASSERT_LT(gz.size(), 64u * 1024);
    r = client.Post("/_bulk", httplib::Headers{{"Content-Encoding", "gzip"}}, gz,
                    "application/x-ndjson");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
}

TEST_F(Inputs, BulkAnswers429WhenThePipelineStaysFull) {
    watch::HttpServer& server = serve();
    // The engine is not started: nothing drains its queue. Fill it.
    watch::EventBatch filler;
    filler.input = 0;
    filler.add(std::string(70 << 20, ' '));
    ASSERT_TRUE(engine_->submit(std::move(filler)));
    httplib::Client client("127.0.0.1", server.port());
    const auto lines = evtx_as_json_lines(kDemoEvtx);
    auto r = client.Post("/_bulk", bulk_body({lines[0]}), "application/x-ndjson");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 429);
    engine_->start();
    r = client.Post("/_bulk", bulk_body({lines[0]}), "application/x-ndjson");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
}

TEST_F(Inputs, TheTokenIsRequiredWhereItIsSetAndTheApiAnswers) {
    watch::HttpServer& server = serve("s3cret-token");
    engine_->start();
    httplib::Client client("127.0.0.1", server.port());
    auto r = client.Get("/api/status");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    r = client.Get("/api/status", httplib::Headers{{"Authorization", "Bearer wrong-token!"}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    const httplib::Headers auth{{"Authorization", "Bearer s3cret-token"}};
    r = client.Get("/api/status", auth);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    simdjson::dom::parser parser;
    simdjson::dom::element status;
    ASSERT_EQ(parser.parse(r->body).get(status), simdjson::SUCCESS);
    EXPECT_EQ(status["events_received"].get_uint64().value_unsafe(), 0u);
    r = client.Get("/metrics", auth);
    ASSERT_TRUE(r);
    EXPECT_NE(r->body.find("vigie_watch_events_received_total{input=\"bulk 127.0.0.1:"),
              std::string::npos);
    r = client.Get("/api/detections?since=yesterday", auth);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    // Not on loopback without a token: refused at start.
    watch::HttpServerOptions open_to_all;
    open_to_all.address = "0.0.0.0:0";
    auto refused = watch::HttpServer::open(*engine_, open_to_all, nullptr);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("token"), std::string::npos);
}

}  // namespace
