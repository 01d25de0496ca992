// hunt/host_report.hpp - the per-host picture in words, for people (English or French) and
// for tools (JSON lines).
//
// The text is written for a small hospital IT team, not for analysts: each host says how far
// the intrusion went, since when, and what to do now, before the ATT&CK details.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hunt/host_picture.hpp"

namespace vigie::hunt {

enum class Language : unsigned char { kEnglish, kFrench };

/// "en" / "fr" (also "english", "français", "francais").
std::optional<Language> parse_language(std::string_view text);

const char* stage_name(Stage stage, Language lang);
/// A short label: "PRE-RANSOMWARE EMERGENCY: ...", "Suspicious", ...
const char* urgency_label(Urgency urgency, Language lang);

/// Every host with its path, advice, tactics, accounts and lateral movement; `max_hosts` 0
/// for all.
std::string render_hosts_text(const HostPicture& picture, Language lang, std::size_t max_hosts = 0);

/// A few lines for the hunt summary: the count per urgency and the most urgent hosts.
std::string render_hosts_brief(const HostPicture& picture, Language lang,
                               std::size_t max_hosts = 8);

/// What to do now about this host, in words an IT team can act on (empty for kNone).
std::string host_advice(const HostReport& host, Language lang);

/// One host as the JSON object `--hosts --format jsonl` writes (no newline);
/// `trailing_members` (e.g. `,"advice_en":"..."`) is added verbatim before the closing brace.
void append_host_json(std::string& out, const HostReport& host,
                      std::string_view trailing_members = {});

/// One JSON object per host ("type":"host"), then one per lateral edge ("type":"lateral_edge").
std::string render_hosts_jsonl(const HostPicture& picture);

}  // namespace vigie::hunt
