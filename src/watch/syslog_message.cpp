#include "watch/syslog_message.hpp"

#include <array>
#include <cstdlib>

namespace vigie::watch {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

std::string_view trim_trailer(std::string_view s) noexcept {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == '\0')) {
        s.remove_suffix(1);
    }
    return s;
}

// Reads a token up to the next space; the space must follow (RFC 5424 header fields).
bool header_token(std::string_view s, std::size_t& pos, std::string_view& out) noexcept {
    const std::size_t space = s.find(' ', pos);
    if (space == std::string_view::npos || space == pos) return false;
    out = s.substr(pos, space - pos);
    pos = space + 1;
    if (out == "-") out = {};
    return true;
}

// The end (one past `]`) of the SD element starting at s[pos] == '[', or npos.
std::size_t sd_element_end(std::string_view s, std::size_t pos) noexcept {
    bool quoted = false;
    for (std::size_t i = pos + 1; i < s.size(); ++i) {
        const char c = s[i];
        if (quoted) {
            if (c == '\\') {
                ++i;  // the escaped character, whatever it is
            } else if (c == '"') {
                quoted = false;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ']') {
            return i + 1;
        }
    }
    return std::string_view::npos;
}

std::string_view strip_bom(std::string_view s, bool& bom) noexcept {
    if (s.substr(0, kBom.size()) == kBom) {
        bom = true;
        s.remove_prefix(kBom.size());
    }
    return s;
}

bool parse_rfc5424(std::string_view s, SyslogMessage& m) {
    std::size_t pos = 0;
    // VERSION = NONZERO-DIGIT 0*2DIGIT, then SP.
    unsigned version = 0;
    while (pos < s.size() && pos < 3 && is_digit(s[pos])) {
        version = version * 10 + static_cast<unsigned>(s[pos] - '0');
        ++pos;
    }
    if (pos == 0 || s[0] == '0' || pos >= s.size() || s[pos] != ' ') return false;
    ++pos;
    std::string_view timestamp;
    if (!header_token(s, pos, timestamp)) return false;
    std::optional<core::FileTimeTicks> time;
    if (!timestamp.empty()) {
        time = core::parse_iso8601(timestamp);
        if (!time || timestamp.size() < 19) return false;  // a date alone is no RFC 3339 time
    }
    SyslogMessage r;
    if (!header_token(s, pos, r.hostname) || !header_token(s, pos, r.app_name) ||
        !header_token(s, pos, r.procid) || !header_token(s, pos, r.msgid)) {
        return false;
    }
    // STRUCTURED-DATA = NILVALUE / 1*SD-ELEMENT
    if (pos >= s.size()) return false;
    if (s[pos] == '-') {
        ++pos;
    } else if (s[pos] == '[') {
        const std::size_t start = pos;
        while (pos < s.size() && s[pos] == '[') {
            pos = sd_element_end(s, pos);
            if (pos == std::string_view::npos) return false;
        }
        r.structured_data = s.substr(start, pos - start);
    } else {
        return false;
    }
    if (pos < s.size()) {
        if (s[pos] != ' ') return false;
        r.message = strip_bom(s.substr(pos + 1), r.bom);
    }
    r.format = SyslogFormat::kRfc5424;
    r.facility = m.facility;
    r.severity = m.severity;
    r.version = static_cast<std::uint8_t>(version);
    r.timestamp = timestamp;
    r.time = time;
    m = r;
    return true;
}

// RFC 3164 "Mmm dd hh:mm:ss" at the start of s; the month (1-12) and the rest, or 0.
unsigned bsd_month(std::string_view s) noexcept {
    static constexpr std::array<std::string_view, 12> kMonths = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (unsigned i = 0; i < kMonths.size(); ++i) {
        if (s.substr(0, 3) == kMonths[i]) return i + 1;
    }
    return 0;
}

std::optional<core::FileTimeTicks> date_bsd_time(core::CivilTime t,
                                                 core::FileTimeTicks received_at) noexcept {
    if (received_at == 0) return std::nullopt;
    const std::int64_t year = core::civil_from_filetime(received_at).year;
    std::optional<core::FileTimeTicks> best;
    std::uint64_t best_distance = 0;
    for (std::int64_t y = year - 1; y <= year + 1; ++y) {
        t.year = y;
        const auto ticks = core::filetime_from_civil(t);
        if (!ticks) continue;  // 29 February of a common year
        const std::uint64_t distance =
            *ticks > received_at ? *ticks - received_at : received_at - *ticks;
        if (!best || distance < best_distance) {
            best = ticks;
            best_distance = distance;
        }
    }
    return best;
}

bool is_host_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' ||
           c == '-' || c == '_' || c == ':' || c == '%';
}

bool is_tag_char(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
    switch (c) {
        case ':':
        case '[':
        case ']':
        case '{':
        case '}':
        case '<':
        case '>':
        case '"':
        case '=':
            return false;
        default:
            return true;
    }
}

// TAG[pid]: at s[pos]; on success fills app_name/procid and moves pos past the tag and one SP.
bool parse_tag(std::string_view s, std::size_t& pos, SyslogMessage& m) noexcept {
    constexpr std::size_t kRsyslogTagCut = 32;  // %syslogtag:1:32%
    std::size_t i = pos;
    while (i < s.size() && is_tag_char(s[i])) ++i;
    const std::string_view name = s.substr(pos, i - pos);
    if (name.empty()) return false;
    std::string_view pid;
    if (i < s.size() && s[i] == '[') {
        const std::size_t close = s.find(']', i);
        if (close == std::string_view::npos) return false;
        pid = s.substr(i + 1, close - i - 1);
        for (const char c : pid) {
            if (!is_tag_char(c)) return false;
        }
        i = close + 1;
        if (i < s.size() && s[i] == ':') ++i;
    } else if (i < s.size() && s[i] == ':') {
        ++i;
    } else if (name.size() < kRsyslogTagCut || (i < s.size() && s[i] != ' ')) {
        return false;
    }
    if (i < s.size() && s[i] == ' ') ++i;
    m.app_name = name;
    m.procid = pid;
    pos = i;
    return true;
}

bool parse_rfc3164(std::string_view s, SyslogMessage& m, core::FileTimeTicks received_at) {
    std::size_t pos = 0;
    std::string_view timestamp;
    std::optional<core::FileTimeTicks> time;
    if (const unsigned month = bsd_month(s); month != 0) {
        // "Mmm dd hh:mm:ss", the day padded with a space or a zero.
        if (s.size() < 15 || s[3] != ' ' || !(s[4] == ' ' || is_digit(s[4])) || !is_digit(s[5]) ||
            s[6] != ' ' || !is_digit(s[7]) || !is_digit(s[8]) || s[9] != ':' || !is_digit(s[10]) ||
            !is_digit(s[11]) || s[12] != ':' || !is_digit(s[13]) || !is_digit(s[14]) ||
            (s.size() > 15 && s[15] != ' ')) {
            return false;
        }
        auto two = [&](std::size_t at) {
            return static_cast<unsigned>((s[at] == ' ' ? 0 : s[at] - '0') * 10 + (s[at + 1] - '0'));
        };
        core::CivilTime t{0, month, two(4), two(7), two(10), two(13), 0};
        if (t.day == 0 || t.day > 31 || t.hour > 23 || t.minute > 59 || t.second > 60) {
            return false;
        }
        timestamp = s.substr(0, 15);
        time = date_bsd_time(t, received_at);
        pos = 15;
    } else {
        // RSYSLOG_ForwardFormat: an RFC 3339 timestamp where RFC 3164 has its own.
        const std::size_t space = s.find(' ');
        timestamp = s.substr(0, space);
        if (timestamp.size() < 19 || timestamp[10] != 'T') return false;
        time = core::parse_iso8601(timestamp);
        if (!time) return false;
        pos = timestamp.size();
    }
    SyslogMessage r;
    if (pos < s.size()) ++pos;  // the space after the timestamp
    // HOSTNAME, unless the next word is already the tag (local senders omit the host).
    const std::size_t space = s.find(' ', pos);
    const std::string_view word =
        s.substr(pos, space == std::string_view::npos ? s.npos : space - pos);
    bool is_host = !word.empty() && word.back() != ':';
    for (const char c : word) is_host = is_host && is_host_char(c);
    if (is_host) {
        r.hostname = word;
        pos = space == std::string_view::npos ? s.size() : space + 1;
    }
    if (!parse_tag(s, pos, r)) {
        r.app_name = {};
        r.procid = {};
    }
    r.message = strip_bom(s.substr(std::min(pos, s.size())), r.bom);
    r.format = SyslogFormat::kRfc3164;
    r.facility = m.facility;
    r.severity = m.severity;
    r.timestamp = timestamp;
    r.time = time;
    m = r;
    return true;
}

bool starts_xml_event(std::string_view s) noexcept {
    if (s.substr(0, 6) != "<Event" || s.size() < 7) return false;
    const char c = s[6];
    return c == ' ' || c == '>' || c == '\t' || c == '\r' || c == '\n';
}

EventPayload payload_at(std::string_view s, std::size_t i) noexcept {
    EventPayload p;
    const std::string_view rest = s.substr(i);
    if (!rest.empty() && rest.front() == '{') {
        const std::size_t close = rest.rfind('}');
        if (close != std::string_view::npos) {
            p.kind = EventPayload::Kind::kJson;
            p.text = rest.substr(0, close + 1);
        }
        return p;
    }
    if (starts_xml_event(rest) || rest.substr(0, 5) == "<?xml") {
        constexpr std::string_view kClose = "</Event>";
        const std::size_t close = rest.rfind(kClose);
        if (close != std::string_view::npos) {
            p.kind = EventPayload::Kind::kXml;
            p.text = rest.substr(0, close + kClose.size());
        }
    }
    return p;
}

}  // namespace

const char* syslog_format_name(SyslogFormat format) noexcept {
    switch (format) {
        case SyslogFormat::kRfc5424:
            return "rfc5424";
        case SyslogFormat::kRfc3164:
            return "rfc3164";
        case SyslogFormat::kPriorityOnly:
            return "priority_only";
        case SyslogFormat::kNoHeader:
            return "no_header";
    }
    return "unknown";
}

core::Result<SyslogMessage> parse_syslog_message(std::string_view frame,
                                                 core::FileTimeTicks received_at) {
    frame = trim_trailer(frame);
    if (frame.empty()) return core::fail(core::ErrorCode::kParse, "empty syslog frame");
    SyslogMessage m;
    m.message = frame;
    // PRI = "<" 1*3DIGIT ">", at most 191 (facility 23, severity 7).
    std::size_t close = 1;
    unsigned pri = 0;
    while (close < frame.size() && close <= 3 && is_digit(frame[close])) {
        pri = pri * 10 + static_cast<unsigned>(frame[close] - '0');
        ++close;
    }
    if (frame[0] != '<' || close == 1 || close >= frame.size() || frame[close] != '>' ||
        pri > 191) {
        return m;  // kNoHeader: the whole frame
    }
    m.facility = static_cast<std::uint8_t>(pri / 8);
    m.severity = static_cast<std::uint8_t>(pri % 8);
    const std::string_view rest = frame.substr(close + 1);
    if (parse_rfc5424(rest, m) || parse_rfc3164(rest, m, received_at)) return m;
    m.format = SyslogFormat::kPriorityOnly;
    m.message = strip_bom(rest, m.bom);
    return m;
}

bool StructuredDataReader::next(SdParam& out) {
    auto fail = [&] {
        malformed_ = true;
        pos_ = sd_.size();
        return false;
    };
    auto is_name_char = [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f && c != '=' && c != ']' && c != '"';
    };
    for (;;) {
        if (malformed_ || pos_ >= sd_.size()) return false;
        if (!in_element_) {
            if (sd_[pos_] != '[') return fail();
            std::size_t i = ++pos_;
            while (i < sd_.size() && is_name_char(sd_[i])) ++i;
            if (i == pos_) return fail();
            sd_id_ = sd_.substr(pos_, i - pos_);
            pos_ = i;
            in_element_ = true;
        }
        if (pos_ >= sd_.size()) return fail();
        if (sd_[pos_] == ']') {
            ++pos_;
            in_element_ = false;
            continue;
        }
        if (sd_[pos_] != ' ') return fail();
        std::size_t i = ++pos_;
        while (i < sd_.size() && is_name_char(sd_[i])) ++i;
        if (i == pos_ || i + 1 >= sd_.size() || sd_[i] != '=' || sd_[i + 1] != '"') return fail();
        out.sd_id = sd_id_;
        out.name = sd_.substr(pos_, i - pos_);
        const std::size_t value_start = i + 2;
        std::size_t j = value_start;
        while (j < sd_.size() && sd_[j] != '"') j += sd_[j] == '\\' ? 2 : 1;
        if (j >= sd_.size()) return fail();
        out.raw_value = sd_.substr(value_start, j - value_start);
        pos_ = j + 1;
        return true;
    }
}

void append_sd_value(std::string& out, std::string_view raw_value) {
    for (std::size_t i = 0; i < raw_value.size(); ++i) {
        const char c = raw_value[i];
        if (c == '\\' && i + 1 < raw_value.size()) {
            const char e = raw_value[i + 1];
            if (e == '"' || e == '\\' || e == ']') {
                out.push_back(e);
                ++i;
                continue;
            }
        }
        out.push_back(c);
    }
}

EventPayload find_event_payload(std::string_view message) {
    auto skip_blanks = [](std::string_view s) {
        while (!s.empty() &&
               (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
            s.remove_prefix(1);
        }
        return s;
    };
    std::string_view s = skip_blanks(message);
    if (s.substr(0, kBom.size()) == kBom) s = skip_blanks(s.substr(kBom.size()));
    if (s.substr(0, 5) == "@cee:") s = skip_blanks(s.substr(5));
    if (EventPayload p = payload_at(s, 0); p.kind != EventPayload::Kind::kNone) return p;
    const std::string_view head = s.substr(0, kMaxPayloadPrefix);
    std::size_t json = head.find("{\"");
    std::size_t xml = head.find("<Event");
    while (xml != std::string_view::npos && !starts_xml_event(s.substr(xml))) {
        xml = head.find("<Event", xml + 1);
    }
    if (json == std::string_view::npos && xml == std::string_view::npos) return {};
    return payload_at(s, std::min(json, xml));
}

}  // namespace vigie::watch
