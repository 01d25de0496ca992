// Fields by the names detection rules use.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "core/byte_source.hpp"
#include "evtx/support.hpp"
#include "evtx/windows_event.hpp"
#include "evtx/writer.hpp"

using namespace vigie;

namespace {

// Reads `bytes` and returns "name=value" for every field of the first event.
std::vector<std::string> first_event_fields(const std::vector<std::uint8_t>& bytes,
                                            core::FileTimeTicks* ts = nullptr) {
    std::vector<std::string> out;
    auto file = evtx::EvtxFile::open(core::memory_source(bytes));
    EXPECT_TRUE(file);
    evtx::ReadOptions options;
    evtx::for_each_event<int>(
        *file, options,
        [&](const core::Event& e, const evtx::RecordInfo&, int&, unsigned) {
            if (!out.empty()) return;
            for (const core::Field& f : e.fields())
                out.push_back(std::string(f.name) + "=" + f.value.text());
            if (ts) *ts = e.timestamp;
        },
        [](int&&) {});
    return out;
}

bool has(const std::vector<std::string>& fields, const std::string& entry) {
    return std::find(fields.begin(), fields.end(), entry) != fields.end();
}

}  // namespace

TEST(Fields, SystemEventDataAndPositionalData) {
    evtx::WindowsEventSpec s;
    s.provider = "Service Control Manager";
    s.provider_guid = "555908D1-A6D7-4695-8E1E-26931D2012F4";
    s.event_id = 7045;
    s.time = *core::parse_iso8601("2019-11-15T02:13:12.5Z");
    s.record_id = 42;
    s.channel = "System";
    s.computer = "SRV-FICHIERS-01";
    s.user_sid = "S-1-5-18";
    s.process_id = 636;
    s.data = {{"ServiceName", "SecurityCenterIBM"}, {"", "first"}, {"", "second"}};
    core::Event event;
    evtx::build_windows_event(s, event);
    evtx::EvtxWriter writer;
    ASSERT_TRUE(writer.add(event));
    core::FileTimeTicks ts = 0;
    const auto fields = first_event_fields(writer.finish(), &ts);
    EXPECT_TRUE(has(fields, "EventID=7045"));
    EXPECT_TRUE(has(fields, "Channel=System"));
    EXPECT_TRUE(has(fields, "Computer=SRV-FICHIERS-01"));
    EXPECT_TRUE(has(fields, "Provider_Name=Service Control Manager"));
    EXPECT_TRUE(has(fields, "Provider_Guid=555908D1-A6D7-4695-8E1E-26931D2012F4"));
    EXPECT_TRUE(has(fields, "TimeCreated_SystemTime=2019-11-15T02:13:12.500000Z"));
    EXPECT_TRUE(has(fields, "EventRecordID=42"));
    EXPECT_TRUE(has(fields, "Execution_ProcessID=636"));
    EXPECT_TRUE(has(fields, "Security_UserID=S-1-5-18"));
    EXPECT_TRUE(has(fields, "ServiceName=SecurityCenterIBM"));
    EXPECT_TRUE(has(fields, "Data=first"));
    EXPECT_TRUE(has(fields, "Data=second"));
    EXPECT_TRUE(has(fields, "Data[1]=first"));
    EXPECT_TRUE(has(fields, "Data[2]=second"));
    EXPECT_EQ(ts, *core::parse_iso8601("2019-11-15T02:13:12.5Z"));
}

TEST(Fields, UserDataLeavesByName) {
    VIGIE_REQUIRE_SHARED_DATA("sigma/regression_data");
    // A WMI-Activity event: <UserData><Operation_ClientFailure><Operation>...</Operation>...
    const auto path = test::shared_data() /
                      "sigma/regression_data/rules/windows/builtin/wmi/"
                      "win_wmi_activity_nteventlogfile_cleareventlog/"
                      "d4f1a2b3-7c8e-4d5f-b6a9-1e0c2d3f4e5b.evtx";
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "file absent: " << path;
    std::ifstream in(path, std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
    const auto fields = first_event_fields(bytes);
    EXPECT_TRUE(has(fields, "ClientMachine=SWACHCHHANDA"));
    EXPECT_TRUE(has(fields, "UserData.Operation_ClientFailure.ClientMachine=SWACHCHHANDA"));
    EXPECT_TRUE(has(fields, "ClientProcessId=25920"));
    EXPECT_TRUE(has(fields, "ResultCode=0x80041003"));
    bool operation = false;
    for (const auto& f : fields)
        operation |= f.rfind("Operation=Start IWbemServices::ExecMethod", 0) == 0;
    EXPECT_TRUE(operation);
}
