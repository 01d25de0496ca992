// The three JSON event shapes (evtx-crate, Winlogbeat/ECS, flat), each with the exporters'
// variants, recognised object by object or forced.
#include <gtest/gtest.h>

#include "collect.hpp"
#include "core/time.hpp"

namespace {

using vigie::json::JsonFormat;
using vigie::test::collect;

std::string iso(std::uint64_t ticks) {
    return vigie::core::format_iso8601_micros(ticks);
}

// `evtx_dump -o jsonl` of a Security 4688 record.
const char* kCrate4688 =
    R"({"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},)"
    R"("System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing",)"
    R"("Guid":"54849625-5478-4994-A5BA-3E3B0328C30D"}},"EventID":4688,"Version":2,"Level":0,)"
    R"("Task":13312,"Opcode":0,"Keywords":"0x8020000000000000","TimeCreated":{"#attributes":)"
    R"({"SystemTime":"2019-11-15T20:01:02.123456Z"}},"EventRecordID":42,"Correlation":null,)"
    R"("Execution":{"#attributes":{"ProcessID":4,"ThreadID":68}},"Channel":"Security",)"
    R"("Computer":"PC-01.chu.local","Security":null},"EventData":{"SubjectUserSid":"S-1-5-18",)"
    R"("NewProcessName":"C:\\Windows\\System32\\cmd.exe","CommandLine":"cmd /c \"whoami\"",)"
    R"("TokenElevationType":"%%1936","MandatoryLabel":null}}})";

}  // namespace

TEST(JsonShapes, EvtxCrateFieldsAreNamedLikeTheEvtxReader) {
    const auto r = collect(kCrate4688);
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.infos[0].shape, JsonFormat::kEvtxCrate);
    EXPECT_EQ(r.at(0, "EventID"), "4688");
    EXPECT_EQ(r.at(0, "Provider_Name"), "Microsoft-Windows-Security-Auditing");
    EXPECT_EQ(r.at(0, "Provider_Guid"), "54849625-5478-4994-A5BA-3E3B0328C30D");
    EXPECT_EQ(r.at(0, "TimeCreated_SystemTime"), "2019-11-15T20:01:02.123456Z");
    EXPECT_EQ(r.at(0, "Execution_ProcessID"), "4");
    EXPECT_EQ(r.at(0, "Execution_ThreadID"), "68");
    EXPECT_EQ(r.at(0, "Channel"), "Security");
    EXPECT_EQ(r.at(0, "Computer"), "PC-01.chu.local");
    EXPECT_EQ(r.at(0, "Keywords"), "0x8020000000000000");
    EXPECT_EQ(r.at(0, "NewProcessName"), "C:\\Windows\\System32\\cmd.exe");
    EXPECT_EQ(r.at(0, "CommandLine"), "cmd /c \"whoami\"");
    // Elements without text (Correlation, Security, Execution) are not fields; a named Data
    // without a value is a field with no value, as in the EVTX reader.
    EXPECT_EQ(r.count(0, "Correlation"), 0u);
    EXPECT_EQ(r.count(0, "Security"), 0u);
    EXPECT_EQ(r.count(0, "Execution"), 0u);
    EXPECT_EQ(r.count(0, "MandatoryLabel"), 1u);
    EXPECT_EQ(r.at(0, "MandatoryLabel"), "");
    EXPECT_EQ(r.record_ids[0], 42u);
    EXPECT_EQ(iso(r.timestamps[0]), "2019-11-15T20:01:02.123456Z");
}

TEST(JsonShapes, EvtxCrateQualifiersUnnamedDataAndUserData) {
    const auto r = collect(
        R"({"Event":{"System":{"Provider":{"#attributes":{"Name":"Service Control Manager"}},)"
        R"("EventID":{"#attributes":{"Qualifiers":16384},"#text":7045},"Channel":"System"},)"
        R"("EventData":{"Data":{"#text":["Available","None","NewEngineState=Available"]},)"
        R"("Binary":null}}})"
        "\n"
        R"({"Event":{"System":{"EventID":104,"Channel":"System"},"UserData":{"LogFileCleared":)"
        R"({"#attributes":{"xmlns":"http://manifests.microsoft.com/win/2004/08/windows/eventlog"},)"
        R"("SubjectUserSid":"S-1-5-21-1","SubjectUserName":"adm","Channel":"Security"}}}})"
        "\n"
        R"({"Event":{"System":{"EventID":1},"EventData":{"Data":{"#text":"only"}}}})");
    ASSERT_EQ(r.events.size(), 3u);
    EXPECT_EQ(r.at(0, "EventID"), "7045");
    EXPECT_EQ(r.at(0, "EventID_Qualifiers"), "16384");
    EXPECT_EQ(r.count(0, "Data"), 3u);
    EXPECT_EQ(r.at(0, "Data"), "Available");
    EXPECT_EQ(r.at(0, "Data[1]"), "Available");
    EXPECT_EQ(r.at(0, "Data[3]"), "NewEngineState=Available");
    EXPECT_EQ(r.count(0, "Binary"), 1u);
    EXPECT_EQ(r.at(1, "SubjectUserName"), "adm");
    EXPECT_EQ(r.at(1, "UserData.LogFileCleared.SubjectUserName"), "adm");
    // A UserData leaf named like a System child: both fields, System's first.
    EXPECT_EQ(r.count(1, "Channel"), 2u);
    EXPECT_EQ(r.at(1, "Channel"), "System");
    EXPECT_EQ(r.at(1, "UserData.LogFileCleared.Channel"), "Security");
    EXPECT_EQ(r.at(2, "Data"), "only");
    EXPECT_EQ(r.at(2, "Data[1]"), "only");
}

// `evtx_dump --separate-json-attributes` (what Hayabusa and Chainsaw read): attributes in
// "<Element>_attributes" objects; the crate's own samples.
TEST(JsonShapes, EvtxCrateWithSeparateAttributes) {
    const auto r = collect(R"({
  "Event": {
    "EventData": null,
    "System": {
      "Channel": "Security",
      "Computer": "37L4247F27-25",
      "Correlation": null,
      "EventID": 4608,
      "EventRecordID": 1,
      "Execution": {},
      "Execution_attributes": {"ProcessID": 456, "ThreadID": 460},
      "Provider": {},
      "Provider_attributes": {"Guid": "54849625-5478-4994-A5BA-3E3B0328C30D",
                              "Name": "Microsoft-Windows-Security-Auditing"},
      "TimeCreated": {},
      "TimeCreated_attributes": {"SystemTime": "2016-07-08T18:12:51.681640Z"}
    }
  },
  "Event_attributes": {"xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"}
}
{"Event":{"System":{"EventID":4625,"EventID_attributes":{"Qualifiers":16384}},
 "UserData":{"Wire":{"Action_attributes":{"name":"NoProxy"},"URL":"http://crl.example/x.crl",
 "URL_attributes":{"scheme":"http"}}}}})");
    ASSERT_EQ(r.events.size(), 2u) << (r.stats.problems.empty() ? "" : r.stats.problems[0]);
    EXPECT_EQ(r.infos[0].shape, JsonFormat::kEvtxCrate);
    EXPECT_EQ(r.at(0, "Provider_Name"), "Microsoft-Windows-Security-Auditing");
    EXPECT_EQ(r.at(0, "Execution_ProcessID"), "456");
    EXPECT_EQ(r.at(0, "TimeCreated_SystemTime"), "2016-07-08T18:12:51.681640Z");
    EXPECT_EQ(r.count(0, "Execution"), 0u);
    EXPECT_EQ(r.count(0, "Provider"), 0u);
    EXPECT_EQ(r.count(0, "Execution_attributes"), 0u);
    EXPECT_EQ(r.record_ids[0], 1u);
    EXPECT_EQ(iso(r.timestamps[0]), "2016-07-08T18:12:51.681640Z");
    EXPECT_EQ(r.at(1, "EventID_Qualifiers"), "16384");
    EXPECT_EQ(r.at(1, "URL"), "http://crl.example/x.crl");
    EXPECT_EQ(r.at(1, "UserData.Wire.URL"), "http://crl.example/x.crl");
    EXPECT_EQ(r.count(1, "Action_attributes"), 0u);
}

TEST(JsonShapes, UnwrappedCrateShapeAsVelociraptorWritesIt) {
    const auto r =
        collect(R"({"System":{"EventID":4624,"Channel":"Security","EventRecordID":"77"},)"
                R"("EventData":{"LogonType":3,"TargetUserName":"adm"}})");
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.infos[0].shape, JsonFormat::kEvtxCrate);
    EXPECT_EQ(r.at(0, "LogonType"), "3");
    EXPECT_EQ(r.record_ids[0], 77u);
}

TEST(JsonShapes, WinlogbeatSecurityEvent) {
    const auto r = collect(
        R"({"@timestamp":"2019-11-15T20:01:02.000Z","event":{"code":"4624","kind":"event",)"
        R"("outcome":"success"},"host":{"name":"pc-01.chu.local"},"log":{"level":"information"},)"
        R"("message":"An account was successfully logged on.","winlog":{"channel":"Security",)"
        R"("event_id":"4624","provider_name":"Microsoft-Windows-Security-Auditing",)"
        R"("provider_guid":"{54849625-5478-4994-a5ba-3e3b0328c30d}",)"
        R"("computer_name":"PC-01.chu.local","record_id":9001,"task":"Logon","opcode":"Info",)"
        R"("keywords":["Audit Success"],"process":{"pid":612,"thread":{"id":1234}},)"
        R"("event_data":{"LogonType":"3","TargetUserName":"adm","IpAddress":"10.0.0.5"},)"
        R"("api":"wineventlog"}})");
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.infos[0].shape, JsonFormat::kEcs);
    EXPECT_EQ(r.at(0, "Channel"), "Security");
    EXPECT_EQ(r.at(0, "EventID"), "4624");
    EXPECT_EQ(r.at(0, "Provider_Name"), "Microsoft-Windows-Security-Auditing");
    EXPECT_EQ(r.at(0, "Provider_Guid"), "{54849625-5478-4994-a5ba-3e3b0328c30d}");
    EXPECT_EQ(r.at(0, "Computer"), "PC-01.chu.local");  // winlog's, not host.name
    EXPECT_EQ(r.at(0, "EventRecordID"), "9001");
    EXPECT_EQ(r.at(0, "Execution_ProcessID"), "612");
    EXPECT_EQ(r.at(0, "Execution_ThreadID"), "1234");
    EXPECT_EQ(r.at(0, "LogonType"), "3");
    EXPECT_EQ(r.at(0, "TargetUserName"), "adm");
    EXPECT_EQ(r.count(0, "Task"), 0u);  // winlog.task is a display name, not the number
    // ECS names stay, for rules written against them.
    EXPECT_EQ(r.at(0, "winlog.event_data.TargetUserName"), "adm");
    EXPECT_EQ(r.at(0, "event.code"), "4624");
    EXPECT_EQ(r.at(0, "winlog.keywords"), "Audit Success");
    EXPECT_EQ(r.at(0, "message"), "An account was successfully logged on.");
    EXPECT_EQ(r.record_ids[0], 9001u);
    EXPECT_EQ(iso(r.timestamps[0]), "2019-11-15T20:01:02.000000Z");
}

// Winlogbeat's Sysmon module moves event data to ECS fields: they are named back.
TEST(JsonShapes, WinlogbeatSysmonModuleFieldsGetTheirSysmonNames) {
    const auto r = collect(
        R"({"@timestamp":"2019-11-15T20:01:02.345Z","event":{"code":"1"},"host":{"name":"PC-01"},)"
        R"("process":{"entity_id":"{a1b2}","pid":4242,"executable":"C:\\Windows\\System32\\cmd.exe",)"
        R"("command_line":"cmd.exe /c whoami","working_directory":"C:\\Users\\adm\\",)"
        R"("parent":{"entity_id":"{c3d4}","pid":1000,"executable":"C:\\Windows\\explorer.exe",)"
        R"("command_line":"C:\\Windows\\Explorer.EXE"},"pe":{"original_file_name":"Cmd.Exe"}},)"
        R"("user":{"domain":"CHU","name":"adm"},"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational",)"
        R"("event_id":1,"provider_name":"Microsoft-Windows-Sysmon","record_id":77,)"
        R"("event_data":{"IntegrityLevel":"High","Image":"C:\\Windows\\System32\\cmd.exe"},)"
        R"("user":{"identifier":"S-1-5-18"}}})"
        "\n"
        R"({"winlog":{"event_id":7,"provider_name":"Microsoft-Windows-Sysmon"},)"
        R"("file":{"path":"C:\\Windows\\System32\\evil.dll"}})"
        "\n"
        R"({"winlog":{"event_id":4688,"provider_name":"Microsoft-Windows-Security-Auditing"},)"
        R"("process":{"command_line":"x"}})");
    ASSERT_EQ(r.events.size(), 3u);
    EXPECT_EQ(r.at(0, "Image"), "C:\\Windows\\System32\\cmd.exe");
    EXPECT_EQ(r.count(0, "Image"), 1u);  // already in event_data: not added twice
    EXPECT_EQ(r.at(0, "CommandLine"), "cmd.exe /c whoami");
    EXPECT_EQ(r.at(0, "CurrentDirectory"), "C:\\Users\\adm\\");
    EXPECT_EQ(r.at(0, "ProcessId"), "4242");
    EXPECT_EQ(r.at(0, "ParentImage"), "C:\\Windows\\explorer.exe");
    EXPECT_EQ(r.at(0, "ParentCommandLine"), "C:\\Windows\\Explorer.EXE");
    EXPECT_EQ(r.at(0, "OriginalFileName"), "Cmd.Exe");
    EXPECT_EQ(r.at(0, "User"), "CHU\\adm");
    EXPECT_EQ(r.at(0, "IntegrityLevel"), "High");
    EXPECT_EQ(r.at(0, "Security_UserID"), "S-1-5-18");
    EXPECT_EQ(r.at(0, "process.command_line"), "cmd.exe /c whoami");
    EXPECT_EQ(r.at(1, "ImageLoaded"), "C:\\Windows\\System32\\evil.dll");
    EXPECT_EQ(r.count(1, "TargetFilename"), 0u);
    EXPECT_EQ(r.count(2, "CommandLine"), 0u);  // only Sysmon events are renamed
}

TEST(JsonShapes, NxlogFlatExport) {
    const auto r = collect(
        R"({"EventTime":"2019-11-15 20:01:02","Hostname":"PC-01.chu.local",)"
        R"("Keywords":-9214364837600034816,"EventType":"AUDIT_SUCCESS","SeverityValue":2,)"
        R"("EventID":4624,"SourceName":"Microsoft-Windows-Security-Auditing",)"
        R"("ProviderGuid":"{54849625-5478-4994-A5BA-3E3B0328C30D}","Version":2,"Task":12544,)"
        R"("RecordNumber":9001,"ExecutionProcessID":612,"ExecutionThreadID":1234,)"
        R"("Channel":"Security","Message":"An account was successfully logged on.",)"
        R"("UserID":"S-1-5-18","TargetUserName":"adm","LogonType":"3",)"
        R"("EventReceivedTime":"2019-11-15 20:01:03","SourceModuleType":"im_msvistalog"})");
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.infos[0].shape, JsonFormat::kFlat);
    EXPECT_EQ(r.at(0, "Computer"), "PC-01.chu.local");
    EXPECT_EQ(r.at(0, "Provider_Name"), "Microsoft-Windows-Security-Auditing");
    EXPECT_EQ(r.at(0, "Provider_Guid"), "{54849625-5478-4994-A5BA-3E3B0328C30D}");
    EXPECT_EQ(r.at(0, "EventRecordID"), "9001");
    EXPECT_EQ(r.at(0, "Execution_ProcessID"), "612");
    EXPECT_EQ(r.at(0, "Security_UserID"), "S-1-5-18");
    EXPECT_EQ(r.at(0, "EventID"), "4624");
    EXPECT_EQ(r.at(0, "TargetUserName"), "adm");
    EXPECT_EQ(r.at(0, "Keywords"), "0x8020000000000000");  // as the EVTX reader prints it
    EXPECT_EQ(r.at(0, "TimeCreated_SystemTime"), "2019-11-15 20:01:02");
    EXPECT_EQ(r.record_ids[0], 9001u);
    EXPECT_EQ(iso(r.timestamps[0]), "2019-11-15T20:01:02.000000Z");
}

TEST(JsonShapes, VelociraptorAndPowerShellFlatExports) {
    const auto r = collect(
        R"({"EventTime":"2019-11-15T20:01:02Z","Computer":"PC-01","EID":1,"EventRecordID":5,)"
        R"("Channel":"Microsoft-Windows-Sysmon/Operational","EventData":{"Image":"C:\\x.exe",)"
        R"("CommandLine":"x -y"},"UserData":null,"Message":"Process Create"})"
        "\n"
        R"({"Id":4624,"Version":2,"ProviderName":"Microsoft-Windows-Security-Auditing",)"
        R"("LogName":"Security","MachineName":"PC-01","RecordId":9001,)"
        R"("TimeCreated":"\/Date(1573848062000)\/","Properties":[{"Value":"S-1-5-18"},{"Value":3}]})");
    ASSERT_EQ(r.events.size(), 2u);
    EXPECT_EQ(r.at(0, "EventID"), "1");
    EXPECT_EQ(r.at(0, "Image"), "C:\\x.exe");
    EXPECT_EQ(r.at(0, "EventData.CommandLine"), "x -y");
    EXPECT_EQ(r.at(0, "CommandLine"), "x -y");
    EXPECT_EQ(r.record_ids[0], 5u);
    EXPECT_EQ(iso(r.timestamps[0]), "2019-11-15T20:01:02.000000Z");
    EXPECT_EQ(r.at(1, "EventID"), "4624");
    EXPECT_EQ(r.at(1, "Channel"), "Security");
    EXPECT_EQ(r.at(1, "Computer"), "PC-01");
    EXPECT_EQ(r.at(1, "Provider_Name"), "Microsoft-Windows-Security-Auditing");
    EXPECT_EQ(r.count(1, "Properties.Value"), 2u);  // arrays: each item under one name
    EXPECT_EQ(r.record_ids[1], 9001u);
    EXPECT_EQ(iso(r.timestamps[1]), "2019-11-15T20:01:02.000000Z");
}

TEST(JsonShapes, ANullFieldIsPresentWithoutValue) {
    const auto r = collect(R"({"EventID":1,"ParentUser":null,"Flag":true,"Ratio":0.5})");
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.count(0, "ParentUser"), 1u);
    EXPECT_EQ(r.at(0, "ParentUser"), "");
    EXPECT_EQ(r.at(0, "Flag"), "true");
    EXPECT_EQ(r.at(0, "Ratio"), "0.5");
}

TEST(JsonShapes, EachObjectIsRecognisedInAMixedFile) {
    const std::string text = std::string(kCrate4688) + "\n" +
                             R"({"winlog":{"channel":"Security","event_id":4624}})" + "\n" +
                             R"({"EventID":4624,"Channel":"Security"})" + "\n";
    const auto r = collect(text);
    ASSERT_EQ(r.events.size(), 3u);
    EXPECT_EQ(r.infos[0].shape, JsonFormat::kEvtxCrate);
    EXPECT_EQ(r.infos[1].shape, JsonFormat::kEcs);
    EXPECT_EQ(r.infos[2].shape, JsonFormat::kFlat);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(r.at(i, "Channel"), "Security");
}

TEST(JsonShapes, AForcedFormatOverridesRecognition) {
    const auto r = collect(kCrate4688, JsonFormat::kFlat);
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.infos[0].shape, JsonFormat::kFlat);
    EXPECT_EQ(r.at(0, "Event.System.Channel"), "Security");
    EXPECT_EQ(r.count(0, "Channel"), 0u);
}

TEST(JsonShapes, FormatNames) {
    using vigie::json::parse_json_format;
    EXPECT_EQ(parse_json_format("auto"), JsonFormat::kAuto);
    EXPECT_EQ(parse_json_format("evtx-json"), JsonFormat::kEvtxCrate);
    EXPECT_EQ(parse_json_format("ecs"), JsonFormat::kEcs);
    EXPECT_EQ(parse_json_format("winlogbeat"), JsonFormat::kEcs);
    EXPECT_EQ(parse_json_format("flat"), JsonFormat::kFlat);
    EXPECT_FALSE(parse_json_format("xml"));
    for (auto f :
         {JsonFormat::kAuto, JsonFormat::kEvtxCrate, JsonFormat::kEcs, JsonFormat::kFlat}) {
        EXPECT_EQ(parse_json_format(vigie::json::json_format_name(f)), f);
    }
}
