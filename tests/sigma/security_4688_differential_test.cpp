// Security 4688 against the rules' own conditions, over the real attack recordings and the whole
// SigmaHQ corpus. Each 4688 event is rewritten the way Sysmon would have recorded the process
// start (Image, ParentImage, decimal process ids, integrity level names; the table below is the
// test's own), without any Sysmon-only field. The rules' Sysmon 1 forms evaluate that event as
// written, absent fields at match time; the Security 4688 forms evaluate the original event,
// absent fields folded at load. Every process_creation rule that fires on a 4688 event must fire
// on its Sysmon twin (explained by the rule's condition with the fields absent), and the reverse
// (no rule is skipped on 4688 that its condition would run).
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "evtx/file_reader.hpp"
#include "sigma/rule_set.hpp"
#include "support.hpp"

namespace {

using vigie::core::Event;
using vigie::core::Value;

vigie::sigma::RuleSet corpus() {
    vigie::sigma::RuleSet rules;
    for (const char* dir : {"rules", "rules-emerging-threats", "rules-threat-hunting", "rules-dfir",
                            "rules-compliance", "rules-placeholder"}) {
        const auto p = vigie::test::shared_data() / "sigma" / dir;
        if (std::filesystem::exists(p)) {
            EXPECT_TRUE(rules.load_path(p.string()));
        }
    }
    rules.finalize();
    return rules;
}

std::string decimal(const Value& v) {
    if (auto n = v.to_int()) return std::to_string(*n);
    return v.text();
}

// Security mandatory label -> the level name Sysmon writes.
std::string integrity_level(const std::string& sid) {
    static const std::map<std::string, std::string> kLevels = {
        {"S-1-16-0", "Untrusted"},
        {"S-1-16-4096", "Low"},
        {"S-1-16-8192", "Medium"},
        {"S-1-16-8448", "Medium Plus"},
        {"S-1-16-12288", "High"},
        {"S-1-16-16384", "System"},
        {"S-1-16-20480", "Protected Process"}};
    const auto it = kLevels.find(sid);
    return it == kLevels.end() ? sid : it->second;
}

// The Sysmon 1 event recording the same process start; nothing Sysmon alone knows.
void sysmon_twin(const Event& security, Event& out) {
    out.clear();
    auto add = [&](std::string_view name, const std::string& text) {
        out.add_field(out.store(name), Value::utf8(out.store(text)));
    };
    add("Channel", "Microsoft-Windows-Sysmon/Operational");
    add("EventID", "1");
    for (const vigie::core::Field& f : security.fields()) {
        const std::string_view n = f.name;
        if (n == "NewProcessName") add("Image", f.value.text());
        if (n == "ParentProcessName") add("ParentImage", f.value.text());
        if (n == "CommandLine") add("CommandLine", f.value.text());
        if (n == "NewProcessId") add("ProcessId", decimal(f.value));
        if (n == "ProcessId") add("ParentProcessId", decimal(f.value));
        if (n == "SubjectLogonId") add("LogonId", f.value.text());  // both "0x3e7"
        if (n == "MandatoryLabel") add("IntegrityLevel", integrity_level(f.value.text()));
        if (n == "SubjectUserName") {
            add("User", f.value.text());
            add("SubjectUserName", f.value.text());
        }
        // Fields of the event itself, the same in both sources.
        if (n == "Computer" || n == "SubjectDomainName" || n == "TargetUserName" ||
            n == "EventRecordID") {
            add(n, f.value.text());
        }
    }
}

std::string hexadecimal(const Value& v) {
    if (auto n = v.to_int()) {
        char buffer[24];
        std::snprintf(buffer, sizeof(buffer), "0x%llx", static_cast<unsigned long long>(*n));
        return buffer;
    }
    return v.text();
}

// The Security 4688 event of a process start Sysmon recorded (what a host without Sysmon
// writes), made from the fields both know.
void security_twin(const Event& sysmon, Event& out) {
    static const std::map<std::string, std::string> kSids = {{"untrusted", "S-1-16-0"},
                                                             {"low", "S-1-16-4096"},
                                                             {"medium", "S-1-16-8192"},
                                                             {"high", "S-1-16-12288"},
                                                             {"system", "S-1-16-16384"}};
    out.clear();
    auto add = [&](std::string_view name, const std::string& text) {
        out.add_field(out.store(name), Value::utf8(out.store(text)));
    };
    add("Channel", "Security");
    add("EventID", "4688");
    for (const vigie::core::Field& f : sysmon.fields()) {
        const std::string_view n = f.name;
        if (n == "Image") add("NewProcessName", f.value.text());
        if (n == "ParentImage") add("ParentProcessName", f.value.text());
        if (n == "CommandLine") add("CommandLine", f.value.text());
        if (n == "ProcessId") add("NewProcessId", hexadecimal(f.value));
        if (n == "ParentProcessId") add("ProcessId", hexadecimal(f.value));
        if (n == "LogonId") add("SubjectLogonId", f.value.text());
        if (n == "User") add("SubjectUserName", f.value.text());
        if (n == "IntegrityLevel") {
            std::string level = f.value.text();
            for (char& c : level)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            const auto it = kSids.find(level);
            add("MandatoryLabel", it == kSids.end() ? f.value.text() : it->second);
        }
        if (n == "Computer" || n == "EventRecordID") add(n, f.value.text());
    }
}

bool is_event(const Event& e, std::string_view channel, std::int64_t id) {
    const Value* c = e.field("Channel");
    const Value* i = e.field("EventID");
    return c != nullptr && i != nullptr && c->text() == channel && i->to_int() == id;
}

// Process_creation rules (by RuleInfo) among the hits with the given target.
std::set<const vigie::sigma::RuleInfo*> rules_hit(
    const std::vector<const vigie::sigma::CompiledRule*>& hits, std::string_view target) {
    std::set<const vigie::sigma::RuleInfo*> out;
    for (const auto* h : hits) {
        if (h->target == target) out.insert(h->info.get());
    }
    return out;
}

std::string names(const std::set<const vigie::sigma::RuleInfo*>& rules) {
    std::string out;
    for (const auto* r : rules) out += "\n  " + r->title + " (" + r->file + ")";
    return out;
}

// Runs every 4688 event through both forms of the rules and checks that they agree.
class Differential {
  public:
    explicit Differential(const vigie::sigma::RuleSet& rules) : security_(rules), sysmon_(rules) {
        // Rules that test a field 4688 does not have: kept off 4688 entirely before.
        static const std::set<std::string> kBoth = {"image",
                                                    "parentimage",
                                                    "commandline",
                                                    "processid",
                                                    "parentprocessid",
                                                    "user",
                                                    "logonid",
                                                    "integritylevel",
                                                    "terminalsessionid",
                                                    "eventid",
                                                    "channel",
                                                    "computer",
                                                    "provider_name",
                                                    "eventrecordid",
                                                    "subjectusername",
                                                    "subjectdomainname",
                                                    "targetusername"};
        for (const auto& r : rules.rules()) {
            if (r->target != "sysmon-1") continue;
            for (const auto& sel : r->selections) {
                for (const auto& items : sel.alternatives) {
                    for (const auto& item : items) {
                        if (item.keyword) continue;
                        std::string name = rules.field_names().name(item.field);
                        for (char& c : name)
                            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                        if (kBoth.count(name) == 0) with_absent_fields_.insert(r->info.get());
                    }
                }
            }
        }
    }

    void check(const Event& security, const std::string& where) {
        ++events_;
        security_.match(security, hits_);
        const auto on_security = rules_hit(hits_, "security-4688");
        sysmon_twin(security, twin_);
        sysmon_.match(twin_, hits_);
        const auto on_sysmon = rules_hit(hits_, "sysmon-1");
        std::set<const vigie::sigma::RuleInfo*> unexplained, skipped;
        for (const auto* r : on_security) {
            if (on_sysmon.count(r) == 0) unexplained.insert(r);
        }
        for (const auto* r : on_sysmon) {
            if (on_security.count(r) == 0) skipped.insert(r);
        }
        EXPECT_TRUE(unexplained.empty())
            << where << ": fired on 4688, not by the rule's condition:" << names(unexplained);
        EXPECT_TRUE(skipped.empty())
            << where << ": the rule's condition holds, not run on 4688:" << names(skipped);
        hits_count_ += on_security.size();
        for (const auto* r : on_security) {
            fired_.insert(r);
            hits_with_absent_fields_ += with_absent_fields_.count(r);
        }
    }

    void each_event(const std::string& folder, std::string_view channel, std::int64_t id,
                    const std::function<void(const Event&, const std::string&)>& f) {
        for (const auto& path :
             vigie::test::files_under(vigie::test::shared_data() / folder, ".evtx")) {
            auto file = vigie::evtx::EvtxFile::open(path.string());
            if (!file) continue;
            vigie::evtx::ReadOptions options;
            options.threads = 1;
            vigie::evtx::for_each_event<int>(
                *file, options,
                [&](const Event& e, const vigie::evtx::RecordInfo& info, int&, unsigned) {
                    if (is_event(e, channel, id))
                        f(e, path.string() + " record " + std::to_string(info.record_id));
                },
                [](int&&) {});
        }
    }

    std::size_t events() const { return events_; }
    std::size_t hits() const { return hits_count_; }
    std::size_t fired_with_absent_fields() const {
        std::size_t n = 0;
        for (const auto* r : fired_) n += with_absent_fields_.count(r);
        return n;
    }
    void print(const char* what) const {
        std::printf(
            "4688 differential, %s: %zu events, %zu hits by %zu rules; %zu hits by %zu "
            "rules testing Sysmon-only fields\n",
            what, events_, hits_count_, fired_.size(), hits_with_absent_fields_,
            fired_with_absent_fields());
    }

  private:
    vigie::sigma::RuleMatcher security_, sysmon_;
    std::vector<const vigie::sigma::CompiledRule*> hits_;
    Event twin_;
    std::set<const vigie::sigma::RuleInfo*> with_absent_fields_, fired_;
    std::size_t events_ = 0, hits_count_ = 0, hits_with_absent_fields_ = 0;
};

}  // namespace

TEST(Security4688, EveryHitIsTheRulesOwnConditionWithSysmonOnlyFieldsAbsent) {
    VIGIE_REQUIRE_SHARED_DATA("evtx-attack-samples");
    VIGIE_REQUIRE_SHARED_DATA("sigma/rules");
    const vigie::sigma::RuleSet rules = corpus();
    Differential d(rules);
    d.each_event("evtx-attack-samples", "Security", 4688,
                 [&](const Event& e, const std::string& where) { d.check(e, where); });
    d.print("recorded 4688 events");
    // Every 4688 event of the recordings (42 in this copy), some of them detected.
    EXPECT_GE(d.events(), 40u);
    EXPECT_GT(d.hits(), 0u);
}

// The recordings have few 4688 events but thousands of Sysmon 1 process starts, many of them
// attacks the rules detect (the regression data holds one per rule): each, written as the 4688
// event a host without Sysmon would have logged, goes through the same comparison.
TEST(Security4688, SysmonProcessStartsRecastAs4688AgreeToo) {
    VIGIE_REQUIRE_SHARED_DATA("evtx-attack-samples");
    VIGIE_REQUIRE_SHARED_DATA("sigma/rules");
    const vigie::sigma::RuleSet rules = corpus();
    Differential d(rules);
    Event security;
    for (const char* folder : {"evtx-attack-samples", "sigma/regression_data"}) {
        d.each_event(folder, "Microsoft-Windows-Sysmon/Operational", 1,
                     [&](const Event& e, const std::string& where) {
                         security_twin(e, security);
                         d.check(security, where);
                     });
    }
    d.print("Sysmon 1 process starts as 4688");
    EXPECT_GT(d.events(), 1000u);
    EXPECT_GT(d.hits(), 100u);
    // Rules that were kept off 4688 before must be among those firing, or this test says
    // nothing about absent fields.
    EXPECT_GT(d.fired_with_absent_fields(), 10u);
}
