// Syslog headers as rsyslog and NXLog write them (RFC 5424 and RFC 3164), frames without a
// header, structured data with escapes, and finding the Windows event inside MSG.
#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "watch/syslog_message.hpp"

namespace {

namespace core = vigie::core;
using vigie::watch::EventPayload;
using vigie::watch::find_event_payload;
using vigie::watch::parse_syslog_message;
using vigie::watch::SdParam;
using vigie::watch::StructuredDataReader;
using vigie::watch::SyslogFormat;
using vigie::watch::SyslogMessage;

// Parses a copy of `frame` that outlives the test, so that frames built in the call
// (`"..." + kEcsJson`) leave valid views.
SyslogMessage parse(std::string_view frame, core::FileTimeTicks received_at = 0) {
    static std::deque<std::string> kept;
    frame = kept.emplace_back(frame);
    auto m = parse_syslog_message(frame, received_at);
    EXPECT_TRUE(m.has_value()) << frame;
    return m ? *m : SyslogMessage{};
}

core::FileTimeTicks at(std::string_view iso) {
    return core::parse_iso8601(iso).value();
}

std::vector<std::pair<std::string, std::string>> sd_params(std::string_view sd,
                                                           bool* malformed = nullptr) {
    std::vector<std::pair<std::string, std::string>> out;
    StructuredDataReader reader(sd);
    SdParam p;
    while (reader.next(p)) {
        std::string value;
        vigie::watch::append_sd_value(value, p.raw_value);
        out.emplace_back(std::string(p.sd_id) + "/" + std::string(p.name), value);
    }
    if (malformed != nullptr) *malformed = reader.malformed();
    return out;
}

const std::string kEcsJson =
    R"({"EventID":4624,"Channel":"Security","Hostname":"DC01.hopital.local","TargetUserName":"adm-jdupont","LogonType":"3","IpAddress":"10.1.2.30"})";

}  // namespace

// RSYSLOG_SyslogProtocol23Format: "<%PRI%>1 %TIMESTAMP:::date-rfc3339% %HOSTNAME% %APP-NAME%
// %PROCID% %MSGID% %STRUCTURED-DATA% %msg%\n".
TEST(SyslogMessage, RsyslogProtocol23Format) {
    const std::string frame =
        "<134>1 2019-11-15T20:01:02.123456+01:00 dc01 vigie-forward 2417 - - " + kEcsJson + "\n";
    const SyslogMessage m = parse(frame);
    EXPECT_EQ(m.format, SyslogFormat::kRfc5424);
    EXPECT_EQ(m.facility, 16);  // local0
    EXPECT_EQ(m.severity, 6);   // informational
    EXPECT_EQ(m.version, 1);
    EXPECT_EQ(m.timestamp, "2019-11-15T20:01:02.123456+01:00");
    ASSERT_TRUE(m.time.has_value());
    EXPECT_EQ(*m.time, at("2019-11-15T19:01:02.123456Z"));
    EXPECT_EQ(m.hostname, "dc01");
    EXPECT_EQ(m.app_name, "vigie-forward");
    EXPECT_EQ(m.procid, "2417");
    EXPECT_EQ(m.msgid, "");
    EXPECT_EQ(m.structured_data, "");
    EXPECT_EQ(m.message, kEcsJson);  // the template's LF is dropped
    EXPECT_FALSE(m.bom);
    const EventPayload p = find_event_payload(m.message);
    EXPECT_EQ(p.kind, EventPayload::Kind::kJson);
    EXPECT_EQ(p.text, kEcsJson);
}

// NXLog im_msvistalog + to_syslog_ietf(): the event's fields in an NXLOG@14506 SD element.
TEST(SyslogMessage, NxlogToSyslogIetfWithStructuredData) {
    const std::string sd =
        R"([NXLOG@14506 Keywords="-9214364837600034816" EventType="AUDIT_SUCCESS" EventID="4624" )"
        R"(ProviderGuid="{54849625-5478-4994-A5BA-3E3B0328C30D}" Version="2" Task="12544" )"
        R"(RecordNumber="1234567" Channel="Security" Category="Logon" )"
        R"(TargetUserName="adm-jdupont" WorkstationName="PC-\"ACCUEIL\"\]" )"
        R"(ProcessName="C:\\Windows\\System32\\lsass.exe" )"
        R"(EventReceivedTime="2019-11-15 20:01:03" SourceModuleName="eventlog" )"
        R"(SourceModuleType="im_msvistalog"])";
    const std::string frame =
        "<14>1 2019-11-15T20:01:02.000000+01:00 DC01.hopital.local "
        "Microsoft-Windows-Security-Auditing 716 - " +
        sd + " An account was successfully logged on.";
    const SyslogMessage m = parse(frame);
    EXPECT_EQ(m.format, SyslogFormat::kRfc5424);
    EXPECT_EQ(m.facility, 1);
    EXPECT_EQ(m.severity, 6);
    EXPECT_EQ(m.hostname, "DC01.hopital.local");
    EXPECT_EQ(m.app_name, "Microsoft-Windows-Security-Auditing");
    EXPECT_EQ(m.procid, "716");
    EXPECT_EQ(m.msgid, "");
    EXPECT_EQ(m.structured_data, sd);
    EXPECT_EQ(m.message, "An account was successfully logged on.");
    bool malformed = true;
    const auto params = sd_params(m.structured_data, &malformed);
    EXPECT_FALSE(malformed);
    ASSERT_EQ(params.size(), 15u);
    EXPECT_EQ(params[0], (std::pair<std::string, std::string>{"NXLOG@14506/Keywords",
                                                              "-9214364837600034816"}));
    EXPECT_EQ(params[2].second, "4624");
    EXPECT_EQ(params[10].first, "NXLOG@14506/WorkstationName");
    EXPECT_EQ(params[10].second, "PC-\"ACCUEIL\"]");
    EXPECT_EQ(params[11].second, R"(C:\Windows\System32\lsass.exe)");
    EXPECT_EQ(find_event_payload(m.message).kind, EventPayload::Kind::kNone);
}

// The examples of RFC 5424 section 6.5.
TEST(SyslogMessage, Rfc5424Examples) {
    const SyslogMessage a = parse(
        "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - "
        "\xEF\xBB\xBF'su root' failed for lonvick on /dev/pts/8");
    EXPECT_EQ(a.format, SyslogFormat::kRfc5424);
    EXPECT_EQ(a.facility, 4);
    EXPECT_EQ(a.severity, 2);
    EXPECT_EQ(a.app_name, "su");
    EXPECT_EQ(a.procid, "");
    EXPECT_EQ(a.msgid, "ID47");
    EXPECT_TRUE(a.bom);
    EXPECT_EQ(a.message, "'su root' failed for lonvick on /dev/pts/8");

    const SyslogMessage b = parse(
        "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make "
        "the do-nuts.");
    EXPECT_EQ(b.hostname, "192.0.2.1");
    EXPECT_EQ(*b.time, at("2003-08-24T12:14:15.000003Z"));
    EXPECT_EQ(b.message, "%% It's time to make the do-nuts.");

    // Two SD elements and no MSG at all.
    const SyslogMessage c = parse(
        R"(<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"])");
    EXPECT_EQ(c.format, SyslogFormat::kRfc5424);
    EXPECT_EQ(c.message, "");
    const auto params = sd_params(c.structured_data);
    ASSERT_EQ(params.size(), 4u);
    EXPECT_EQ(params[3].first, "examplePriority@32473/class");
    EXPECT_EQ(params[3].second, "high");

    // Every header field nil.
    const SyslogMessage d = parse("<0>1 - - - - - - {}");
    EXPECT_EQ(d.format, SyslogFormat::kRfc5424);
    EXPECT_TRUE(d.timestamp.empty());
    EXPECT_FALSE(d.time.has_value());
    EXPECT_EQ(d.hostname, "");
    EXPECT_EQ(d.message, "{}");
}

TEST(SyslogMessage, EscapedBracketInAnSdValueDoesNotEndTheElement) {
    const SyslogMessage m = parse(R"(<13>1 - h a - - [x@1 v="a\]b\"c\\" w="d"] {"k":"]"})");
    EXPECT_EQ(m.structured_data, R"([x@1 v="a\]b\"c\\" w="d"])");
    EXPECT_EQ(m.message, R"({"k":"]"})");
    const auto params = sd_params(m.structured_data);
    ASSERT_EQ(params.size(), 2u);
    EXPECT_EQ(params[0].second, R"(a]b"c\)");
    EXPECT_EQ(params[1].second, "d");
}

TEST(SyslogMessage, MalformedStructuredDataIsReported) {
    for (const std::string_view sd :
         {R"([x@1 v="open)", R"([x@1 v=unquoted])", R"([ v="x"])", R"([x@1 v="a"]junk)"}) {
        SCOPED_TRACE(sd);
        bool malformed = false;
        (void)sd_params(sd, &malformed);
        EXPECT_TRUE(malformed);
    }
    // An unterminated element is no RFC 5424 header: the text after PRI is the message.
    const SyslogMessage m = parse(R"(<13>1 - h a - - [x@1 v="open] msg)");
    EXPECT_EQ(m.format, SyslogFormat::kPriorityOnly);
    EXPECT_EQ(m.message, R"(1 - h a - - [x@1 v="open] msg)");
}

// RSYSLOG_TraditionalForwardFormat: "<%PRI%>%TIMESTAMP% %HOSTNAME% %syslogtag:1:32%
// %msg:::sp-if-no-1st-sp%%msg%" (rsyslog's default for omfwd).
TEST(SyslogMessage, RsyslogTraditionalForwardFormat) {
    const SyslogMessage a = parse(
        "<86>Nov  5 08:01:02 fs01 sshd[1234]: Accepted publickey for admin from 10.0.0.5 port "
        "51234 ssh2",
        at("2019-11-05T09:00:00Z"));
    EXPECT_EQ(a.format, SyslogFormat::kRfc3164);
    EXPECT_EQ(a.facility, 10);
    EXPECT_EQ(a.severity, 6);
    EXPECT_EQ(a.timestamp, "Nov  5 08:01:02");
    ASSERT_TRUE(a.time.has_value());
    EXPECT_EQ(*a.time, at("2019-11-05T08:01:02Z"));
    EXPECT_EQ(a.hostname, "fs01");
    EXPECT_EQ(a.app_name, "sshd");
    EXPECT_EQ(a.procid, "1234");
    EXPECT_EQ(a.message, "Accepted publickey for admin from 10.0.0.5 port 51234 ssh2");

    // Without a pid.
    const SyslogMessage b =
        parse("<78>Nov 15 20:01:02 backup01 CRON: (root) CMD (/usr/local/bin/sauvegarde)");
    EXPECT_EQ(b.app_name, "CRON");
    EXPECT_EQ(b.procid, "");
    EXPECT_EQ(b.message, "(root) CMD (/usr/local/bin/sauvegarde)");
    EXPECT_FALSE(b.time.has_value());  // no reception time: no year to put it in

    // %syslogtag:1:32% cut "Microsoft-Windows-Security-Auditing[716]:" to 32 characters.
    const SyslogMessage c =
        parse("<14>Nov 15 20:01:02 DC01 Microsoft-Windows-Security-Audit " + kEcsJson);
    EXPECT_EQ(c.format, SyslogFormat::kRfc3164);
    EXPECT_EQ(c.hostname, "DC01");
    EXPECT_EQ(c.app_name, "Microsoft-Windows-Security-Audit");
    EXPECT_EQ(c.message, kEcsJson);
    EXPECT_EQ(find_event_payload(c.message).text, kEcsJson);
}

// NXLog to_syslog_bsd(): "<PRI>Mmm dd hh:mm:ss Hostname SourceName[ProcessID]: Message".
TEST(SyslogMessage, NxlogToSyslogBsd) {
    const SyslogMessage m = parse(
        "<13>Nov 15 20:01:02 DC01 Microsoft-Windows-Security-Auditing[716]: " + kEcsJson + "\r\n");
    EXPECT_EQ(m.format, SyslogFormat::kRfc3164);
    EXPECT_EQ(m.app_name, "Microsoft-Windows-Security-Auditing");
    EXPECT_EQ(m.procid, "716");
    EXPECT_EQ(m.message, kEcsJson);
}

TEST(SyslogMessage, RsyslogForwardFormatWithRfc3339Timestamp) {
    const SyslogMessage m =
        parse("<13>2019-11-15T20:01:02.123456+01:00 dc01 winlog[88]: " + kEcsJson);
    EXPECT_EQ(m.format, SyslogFormat::kRfc3164);
    EXPECT_EQ(*m.time, at("2019-11-15T19:01:02.123456Z"));
    EXPECT_EQ(m.hostname, "dc01");
    EXPECT_EQ(m.app_name, "winlog");
    EXPECT_EQ(m.message, kEcsJson);
}

TEST(SyslogMessage, Rfc3164WithoutHostnameOrTag) {
    const SyslogMessage a = parse("<13>Nov 15 20:01:02 sshd[12]: local message");
    EXPECT_EQ(a.hostname, "");
    EXPECT_EQ(a.app_name, "sshd");
    EXPECT_EQ(a.message, "local message");
    const SyslogMessage b = parse("<13>Nov 15 20:01:02 pc-12 just some text");
    EXPECT_EQ(b.hostname, "pc-12");
    EXPECT_EQ(b.app_name, "");
    EXPECT_EQ(b.message, "just some text");
    const SyslogMessage c = parse("<13>Nov 15 20:01:02 " + kEcsJson);
    EXPECT_EQ(c.hostname, "");
    EXPECT_EQ(c.message, kEcsJson);
}

TEST(SyslogMessage, Rfc3164YearIsTheOneClosestToReception) {
    // Sent on 31 December, received just after midnight on 1 January.
    const SyslogMessage m = parse("<13>Dec 31 23:59:58 pc01 app: x", at("2020-01-01T00:00:03Z"));
    ASSERT_TRUE(m.time.has_value());
    EXPECT_EQ(*m.time, at("2019-12-31T23:59:58Z"));
    const SyslogMessage n = parse("<13>Jan  1 00:00:01 pc01 app: x", at("2019-12-31T23:59:59Z"));
    EXPECT_EQ(*n.time, at("2020-01-01T00:00:01Z"));
}

TEST(SyslogMessage, MissingFieldsLeaveThePriorityOnly) {
    for (const std::string_view frame :
         {"<13>1 2019-11-15T20:01:02Z host", "<13>1 2019-11-15T20:01:02Z host app pid msgid",
          "<13>1 notatime host app - - - msg", "<13>Nov 15 2019 is not a time", "<13>",
          "<13>1 2019-11-15 host app - - - msg"}) {
        SCOPED_TRACE(frame);
        const SyslogMessage m = parse(frame);
        EXPECT_EQ(m.format, SyslogFormat::kPriorityOnly);
        EXPECT_EQ(m.facility, 1);
        EXPECT_EQ(m.severity, 5);
        EXPECT_EQ(m.message, frame.substr(4));
    }
}

TEST(SyslogMessage, FramesWithoutHeaderAreWholeMessages) {
    for (const std::string_view frame :
         {std::string_view(kEcsJson), std::string_view("garbage \x01\x02\xff"),
          std::string_view("<999>1 - - - - - - x"), std::string_view("<>x"),
          std::string_view("<12x>y"), std::string_view("<1234>z"), std::string_view("<13")}) {
        SCOPED_TRACE(frame);
        const SyslogMessage m = parse(frame);
        EXPECT_EQ(m.format, SyslogFormat::kNoHeader);
        EXPECT_EQ(m.message, frame);
        EXPECT_EQ(m.facility, 0);
    }
    EXPECT_EQ(find_event_payload(kEcsJson).kind, EventPayload::Kind::kJson);
}

TEST(SyslogMessage, EmptyFrameIsAnError) {
    for (const std::string_view frame :
         {std::string_view(""), std::string_view("\r\n"), std::string_view("\n\0", 2)}) {
        auto m = parse_syslog_message(frame);
        ASSERT_FALSE(m.has_value());
        EXPECT_EQ(m.error().code, core::ErrorCode::kParse);
    }
}

TEST(SyslogMessage, FindEventPayload) {
    const std::string xml =
        R"(<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>)"
        R"(<EventID>4624</EventID></System></Event>)";
    struct Case {
        std::string message;
        EventPayload::Kind kind;
        std::string text;
    };
    for (const Case& c : std::vector<Case>{
             {"@cee: {\"a\":1}", EventPayload::Kind::kJson, "{\"a\":1}"},
             {"@cee:{\"a\":1}  \t", EventPayload::Kind::kJson, "{\"a\":1}"},
             {"  \xEF\xBB\xBF{\"a\":{\"b\":2}} trailing", EventPayload::Kind::kJson,
              "{\"a\":{\"b\":2}}"},
             {xml, EventPayload::Kind::kXml, xml},
             {"<?xml version=\"1.0\"?>" + xml + "\n", EventPayload::Kind::kXml,
              "<?xml version=\"1.0\"?>" + xml},
             {"MSWinEventLog 1 Security " + kEcsJson, EventPayload::Kind::kJson, kEcsJson},
             {"prefix " + xml, EventPayload::Kind::kXml, xml},
             {"An account was successfully logged on.", EventPayload::Kind::kNone, ""},
             {"{\"unclosed\":1", EventPayload::Kind::kNone, ""},
             {"<Events><Event>x</Event></Events>", EventPayload::Kind::kXml, "<Event>x</Event>"},
             {"<EventData>x</EventData>", EventPayload::Kind::kNone, ""},
             {std::string(300, 'x') + kEcsJson, EventPayload::Kind::kNone, ""},
         }) {
        SCOPED_TRACE(c.message);
        const EventPayload p = find_event_payload(c.message);
        EXPECT_EQ(p.kind, c.kind);
        EXPECT_EQ(p.text, c.text);
    }
}
