// SMB sessions in the guard: what /proc and smbstatus say of a Samba worker (parsed from
// text), the nftables scripts, and the engine's decisions on the replay twin when the writer
// is a Samba worker serving one client among several.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <map>

#include "engine_scenario.hpp"
#include "guard/client_block.hpp"
#include "guard/journal.hpp"
#include "guard/restore.hpp"
#include "guard/smb_session.hpp"
#include "guard_test_data.hpp"

namespace {

using namespace vigie::guard;
using namespace vigie::guard::testing;

// /proc/PID/net/tcp of a Samba worker: the listening socket, a client on 10.231.0.2:51510
// connected to port 445 (socket inode 777), another process's connection.
constexpr const char* kProcNetTcp =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
    "timeout inode\n"
    "   0: 0100E70A:01BD 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        "
    "0 555 1 0000000000000000 100 0 0 10 0\n"
    "   1: 0100E70A:01BD 0200E70A:C936 01 00000000:00000000 02:000A7F5B 00000000     0        "
    "0 777 2 0000000000000000 20 4 30 10 -1\n"
    "   2: 0100007F:0016 0100007F:D000 01 00000000:00000000 02:000A7F5B 00000000     0        "
    "0 888 2 0000000000000000 20 4 30 10 -1\n";

TEST(SmbSession, FindsTheClientOfTheWorkersEstablishedSocket) {
    auto client = find_established_peer(kProcNetTcp, {555, 777}, false);
    ASSERT_TRUE(client.has_value());
    EXPECT_EQ(client->address, "10.231.0.2");
    EXPECT_EQ(client->port, 51510);
    EXPECT_EQ(client->local_port, 445);
    // The listening socket alone is not a client; another process's socket is not ours.
    EXPECT_FALSE(find_established_peer(kProcNetTcp, {555}, false).has_value());
    EXPECT_FALSE(find_established_peer(kProcNetTcp, {999}, false).has_value());
    EXPECT_FALSE(find_established_peer("garbage\n1 2 3\n", {777}, false).has_value());
}

TEST(SmbSession, AnIpv4ClientOnADualStackSocketIsShownPlain) {
    const std::string tcp6 =
        "  sl  local_address                         remote_address                        st\n"
        "   0: 0000000000000000FFFF00000100E70A:01BD 0000000000000000FFFF00000200E70A:C936 01 "
        "00000000:00000000 00:00000000 00000000     0        0 4242 1\n"
        "   1: 000080FE00000000FF0000000100000A:01BD 000080FE00000000FF0000000200000A:C937 01 "
        "00000000:00000000 00:00000000 00000000     0        0 4343 1\n";
    auto mapped = find_established_peer(tcp6, {4242}, true);
    ASSERT_TRUE(mapped.has_value());
    EXPECT_EQ(mapped->address, "10.231.0.2");
    auto v6 = find_established_peer(tcp6, {4343}, true);
    ASSERT_TRUE(v6.has_value());
    EXPECT_EQ(v6->address, "fe80::ff:a00:2");
}

TEST(SmbSession, SmbstatusJsonGivesTheWorkersUserAndShares) {
    // As Samba 4.17 prints it (trimmed): a second session entry is a login in progress.
    const std::string json = R"json({"sessions": {
      "1": {"session_id": "1", "server_id": {"pid": "26325"}, "username": "(auth in progress)",
            "remote_machine": "10.231.0.2"},
      "2": {"session_id": "2", "server_id": {"pid": "26325"}, "username": "HOPITAL\\infirmiere",
            "remote_machine": "10.231.0.2"},
      "3": {"session_id": "3", "server_id": {"pid": "26400"}, "username": "nobody"}},
     "tcons": {
      "7": {"service": "documents", "server_id": {"pid": "26325"}},
      "8": {"service": "IPC$", "server_id": {"pid": "26325"}},
      "9": {"service": "autre", "server_id": {"pid": "26400"}}}})json";
    auto details = parse_smbstatus_json(json, 26325);
    ASSERT_TRUE(details) << details.error().to_string();
    EXPECT_EQ(details->user, "HOPITAL\\infirmiere");
    EXPECT_EQ(details->share, "IPC$,documents");
    EXPECT_FALSE(parse_smbstatus_json(json, 1234));
    EXPECT_FALSE(parse_smbstatus_json("not json", 26325));
}

TEST(SmbSession, OnlySmbdIsSambasFileServer) {
    EXPECT_TRUE(is_samba_server_program("/usr/sbin/smbd"));
    EXPECT_FALSE(is_samba_server_program("/usr/sbin/smbd-notifyd"));
    EXPECT_FALSE(is_samba_server_program("/usr/bin/python3"));
    EXPECT_FALSE(is_samba_server_program(""));
    // A worker that is exiting has no executable link left; its name still says smbd.
    EXPECT_TRUE(is_samba_server_name("smbd"));
    EXPECT_TRUE(is_samba_server_name("smbd[10.0.0.7]"));
    EXPECT_FALSE(is_samba_server_name("smbd-notifyd"));
    EXPECT_FALSE(is_samba_server_name("cleanupd"));
}

TEST(SmbSession, TheBlockScriptRejectsTheAddressForItsTime) {
    const std::string table = nft_table_script();
    EXPECT_NE(table.find("reject with tcp reset"), std::string::npos);
    EXPECT_NE(table.find("flags timeout"), std::string::npos);
    const std::string v4 = nft_block_script({"10.231.0.2", 51510, 1445}, std::chrono::seconds(600));
    EXPECT_NE(v4.find("blocked_v4 { 10.231.0.2 timeout 600s }"), std::string::npos);
    EXPECT_NE(v4.find("smb_ports { 1445 }"), std::string::npos);
    const std::string v6 = nft_block_script({"fd00::7", 1, 445}, std::chrono::seconds(60));
    EXPECT_NE(v6.find("blocked_v6 { fd00::7 timeout 60s }"), std::string::npos);
    // Never a rule from something that is not an address.
    EXPECT_FALSE(
        block_smb_client(::getpid(), {"10.0.0.1; flush ruleset", 1, 445}, std::chrono::seconds(1)));
}

// A file server: smbd (500) and its workers, all in the daemon's process group 500. Worker
// 501 serves client 10.231.0.2, 502 serves 10.231.1.2.
ProcessInfo smb_worker(std::int32_t pid, const std::string& client) {
    ProcessInfo p;
    p.pid = pid;
    p.parent = 500;
    p.process_group = 500;
    p.session = 500;
    p.uid = 0;
    p.start_ticks = 7000 + static_cast<std::uint64_t>(pid);
    p.executable = "/usr/sbin/smbd";
    p.command = "smbd";
    p.smb_worker = true;
    p.smb_client = {client, static_cast<std::uint16_t>(50000 + pid), 445};
    return p;
}

struct SmbScenario : Scenario {
    std::map<std::string, Bytes> documents;
    SmbScenario() {
        config.protected_roots = {"/srv/share"};
        for (int i = 0; i < 20; ++i) {
            const std::string path = "/srv/share/Compta/facture" + std::to_string(i) + ".docx";
            Bytes content = zip_document(i, 40000);
            source.put(path, content);
            documents.emplace(path, std::move(content));
        }
        control.tree = {{500, 1}, {501, 500}, {502, 500}, {503, 500}};
    }
    int changed() {
        int n = 0;
        for (const auto& [path, content] : documents) {
            const Bytes* now = source.content(path);
            if (now == nullptr || *now != content) ++n;
        }
        return n;
    }
};

TEST(GuardSmb, TheEncryptingClientsSessionAloneIsEndedAndItsAddressBlocked) {
    SmbScenario run;
    run.source.add_process(smb_worker(501, "10.231.0.2"));
    run.source.add_process(smb_worker(502, "10.231.1.2"));
    run.source.add_smb_session(501, {"HOPITAL\\poste12", "documents"});
    std::uint32_t seed = 7;
    int note = 0;
    for (const auto& [path, content] : run.documents) {
        // The other client keeps writing its own notes between the attacker's files.
        run.source.write(502, "/srv/share/Notes/note" + std::to_string(note) + ".txt",
                         text_bytes(3000, note));
        ++note;
        run.source.write(501, path, random_bytes(content.size(), seed++));
    }
    run.go();
    const auto alerts = run.ransomware();
    ASSERT_EQ(alerts.size(), 1u);
    const Alert& a = alerts[0];
    EXPECT_EQ(a.actor, "smb-501-7501");
    EXPECT_EQ(a.scope, "SMB session");
    EXPECT_EQ(a.client, "10.231.0.2");
    EXPECT_EQ(a.smb_user, "HOPITAL\\poste12");
    EXPECT_EQ(a.share, "documents");
    EXPECT_EQ(a.action, "session ended");
    EXPECT_EQ(a.block, "blocked for 600 s");
    EXPECT_LE(run.changed(), 3);
    // The worker alone, stopped then killed; never the file server's group.
    EXPECT_TRUE(run.control.group_signals.empty());
    ASSERT_EQ(run.control.signals.size(), 2u);
    EXPECT_EQ(run.control.signals[0], std::make_pair(501, SIGSTOP));
    EXPECT_EQ(run.control.signals[1], std::make_pair(501, SIGKILL));
    // Blocked before it was killed, in the worker's network namespace.
    ASSERT_EQ(run.control.blocks.size(), 1u);
    EXPECT_EQ(run.control.blocks[0].worker, 501);
    EXPECT_EQ(run.control.blocks[0].address, "10.231.0.2");
    // The other client's 20 notes all landed.
    for (int i = 0; i < 20; ++i)
        EXPECT_NE(run.source.content("/srv/share/Notes/note" + std::to_string(i) + ".txt"),
                  nullptr);
    const std::string json = alert_to_json(a);
    EXPECT_NE(json.find("\"client\":\"10.231.0.2\""), std::string::npos);
    EXPECT_NE(alert_to_line(a).find("client 10.231.0.2"), std::string::npos);
}

TEST(GuardSmb, AWorkersThreadsAreOneSession) {
    // Samba does I/O in a thread pool, and permission events name the thread.
    SmbScenario run;
    for (const std::int32_t tid : {511, 512, 513}) {
        ProcessInfo thread = smb_worker(tid, "10.231.0.2");
        thread.process = 501;
        run.source.add_process(thread);
    }
    std::uint32_t seed = 7;
    std::int32_t tid = 511;
    for (const auto& [path, content] : run.documents) {
        run.source.write(tid, path, random_bytes(content.size(), seed++));
        tid = tid == 513 ? 511 : tid + 1;
    }
    run.go();
    const auto alerts = run.ransomware();
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0].actor, "smb-501-7511");
    EXPECT_EQ(alerts[0].scope, "SMB session");
    EXPECT_LE(run.changed(), 3);
    EXPECT_TRUE(run.control.stopped(501));
    EXPECT_TRUE(run.control.group_signals.empty());
}

TEST(GuardSmb, SessionsOfOneClientAddUpAsOneMachine) {
    SmbScenario run;
    run.config.actor_threshold = 1000;  // no session alone crosses
    run.source.add_process(smb_worker(501, "10.231.0.2"));
    run.source.add_process(smb_worker(503, "10.231.0.2"));
    run.source.add_process(smb_worker(502, "10.231.1.2"));
    std::uint32_t seed = 7;
    int i = 0;
    for (const auto& [path, content] : run.documents)
        run.source.write(i++ % 2 == 0 ? 501 : 503, path, random_bytes(content.size(), seed++));
    run.source.write(502, "/srv/share/Notes/after.txt", text_bytes(3000, 1));
    run.go();
    const auto alerts = run.ransomware();
    ASSERT_EQ(alerts.size(), 2u);
    for (const Alert& a : alerts) {
        EXPECT_EQ(a.scope, "client machine");
        EXPECT_EQ(a.client, "10.231.0.2");
    }
    EXPECT_LE(run.changed(), 3);
    // One block for the machine; both sessions ended; the other client untouched.
    EXPECT_EQ(run.control.blocks.size(), 1u);
    EXPECT_TRUE(run.control.stopped(501));
    EXPECT_TRUE(run.control.stopped(503));
    EXPECT_FALSE(run.control.stopped(502));
    EXPECT_NE(run.source.content("/srv/share/Notes/after.txt"), nullptr);
}

TEST(GuardSmb, ABlockedClientsOtherSessionGetsNoFileToWrite) {
    SmbScenario run;
    run.source.add_process(smb_worker(501, "10.231.0.2"));
    run.source.add_process(smb_worker(503, "10.231.0.2"));
    std::uint32_t seed = 7;
    for (const auto& [path, content] : run.documents)
        run.source.write(501, path, random_bytes(content.size(), seed++));
    // A connection it already had: writes are refused from now on.
    run.source.write(503, "/srv/share/Notes/encore.txt", text_bytes(3000, 1));
    run.go();
    EXPECT_EQ(run.source.content("/srv/share/Notes/encore.txt"), nullptr);
    EXPECT_FALSE(run.source.answers().back().second);
}

TEST(GuardSmb, AFailedBlockIsSaidAndTheSessionStillEnds) {
    SmbScenario run;
    run.control.refuse_blocks = true;
    run.source.add_process(smb_worker(501, "10.231.0.2"));
    std::uint32_t seed = 7;
    for (const auto& [path, content] : run.documents)
        run.source.write(501, path, random_bytes(content.size(), seed++));
    run.go();
    const auto alerts = run.ransomware();
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0].action, "session ended");
    EXPECT_NE(alerts[0].block.find("not blocked: "), std::string::npos) << alerts[0].block;
    EXPECT_NE(alerts[0].block.find("nft: refused"), std::string::npos);
    // Unknown user and share: said as such, not invented.
    EXPECT_EQ(alerts[0].smb_user, "");
    EXPECT_LE(run.changed(), 3);
}

TEST(GuardSmb, ARecordedSmbStreamReplaysWithItsClients) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("vigie-smb-replay-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    {
        SmbScenario run;
        run.source.add_process(smb_worker(501, "10.231.0.2"));
        run.source.add_smb_session(501, {"nobody", "share"});
        std::uint32_t seed = 7;
        for (const auto& [path, content] : run.documents)
            run.source.write(501, path, random_bytes(content.size(), seed++));
        ASSERT_TRUE(run.source.save((dir / "stream.jsonl").string()));
    }
    auto loaded = ReplaySource::load((dir / "stream.jsonl").string());
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    auto info = (*loaded)->process(501);
    ASSERT_TRUE(info.has_value());
    EXPECT_TRUE(info->smb_worker);
    EXPECT_EQ(info->smb_client.address, "10.231.0.2");
    EXPECT_EQ(info->smb_client.local_port, 445);
    auto session = (*loaded)->smb_session(501);
    ASSERT_TRUE(session);
    EXPECT_EQ(session->share, "share");
    std::filesystem::remove_all(dir);
}

TEST(GuardSmb, JournalRecordsCarryTheClientAndRestoreSelectsByIt) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("vigie-smb-journal-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir / "tree");
    JournalOptions options;
    options.directory = (dir / "journal").string();
    {
        auto journal = Journal::open(options);
        ASSERT_TRUE(journal) << journal.error().to_string();
        (*journal)->set_actor_client("smb-501-1", "10.231.0.2");
        write_bytes(dir / "tree/attack.txt", bytes_of("x"));
        write_bytes(dir / "tree/local.txt", bytes_of("y"));
        (*journal)->created("smb-501-1", (dir / "tree/attack.txt").string(), false);
        (*journal)->created("4242-1", (dir / "tree/local.txt").string(), false);
        (*journal)->flush();
    }
    auto contents = read_journal(options.directory + "/journal.log");
    ASSERT_TRUE(contents);
    ASSERT_EQ(contents->records.size(), 2u);
    EXPECT_EQ(contents->records[0].client, "10.231.0.2");
    EXPECT_EQ(contents->records[1].client, "");
    RestoreOptions restore_options;
    restore_options.journal = options.directory;
    restore_options.clients = {"10.231.0.2"};
    auto report = restore(restore_options);
    ASSERT_TRUE(report) << report.error().to_string();
    EXPECT_EQ(report->records, 1u);
    EXPECT_FALSE(std::filesystem::exists(dir / "tree/attack.txt"));
    EXPECT_TRUE(std::filesystem::exists(dir / "tree/local.txt"));
    auto summary = summarise_journal(options.directory);
    ASSERT_TRUE(summary);
    ASSERT_EQ(summary->size(), 2u);
    EXPECT_EQ((*summary)[0].client, "10.231.0.2");
    std::filesystem::remove_all(dir);
}

}  // namespace
