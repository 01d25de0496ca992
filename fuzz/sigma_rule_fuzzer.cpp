// libFuzzer target: arbitrary bytes as a Sigma rule file. Loading must report problems, never
// crash, hang or leak; whatever loads is compiled into the prefilters and run on a few events.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "sigma/rule_set.hpp"

namespace {

std::vector<vigie::core::Event> make_events() {
    using vigie::core::Value;
    std::vector<vigie::core::Event> events(3);
    auto add = [](vigie::core::Event& e, const char* name, const char* value) {
        e.add_field(name, Value::utf8(value));
    };
    add(events[0], "Channel", "Microsoft-Windows-Sysmon/Operational");
    add(events[0], "EventID", "1");
    add(events[0], "Image", "C:\\Windows\\System32\\cmd.exe");
    add(events[0], "CommandLine", "cmd.exe /c whoami /all & net group \"domain admins\" /domain");
    add(events[0], "ParentImage", "C:\\Program Files\\Microsoft Office\\EXCEL.EXE");
    add(events[0], "User", "CHU\\\xc3\x89lodie");
    add(events[0], "DestinationIp", "10.1.2.3");
    add(events[1], "Channel", "Security");
    add(events[1], "EventID", "4688");
    add(events[1], "NewProcessName", "C:\\Windows\\System32\\vssadmin.exe");
    add(events[1], "NewProcessId", "0x1a2b");
    add(events[1], "MandatoryLabel", "S-1-16-12288");
    events[1].add_field("Data", Value::null());
    add(events[2], "Channel", "Windows PowerShell");
    add(events[2], "EventID", "400");
    add(events[2], "Data", "HostApplication=powershell -enc SQBFAFgA");
    add(events[2], "UtcTime", "2019-11-15 20:01:02.000");
    return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::vector<vigie::core::Event> events = make_events();
    static const vigie::sigma::Placeholders placeholders = {{"Admins", {"adm-*", "root"}}};
    vigie::sigma::RuleSetOptions options;
    options.placeholders = &placeholders;
    vigie::sigma::RuleSet rules(options);
    rules.load_yaml(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yml");
    rules.finalize();
    vigie::sigma::RuleMatcher matcher(rules);
    std::vector<const vigie::sigma::CompiledRule*> hits;
    for (const auto& e : events) matcher.match(e, hits);
    return 0;
}
