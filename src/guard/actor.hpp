// guard/actor.hpp - who does the writing, and what it has done so far.
//
// An actor is a job: the process group a shell or a service manager gives a command and every
// process it forks. Splitting the work over many child processes therefore adds up in one
// actor instead of diluting it. A Samba worker is the exception: its process group is the file
// server's, shared by every client, so its actor is the worker itself, one client's
// connection (an SMB session, smb_session.hpp). Each file counts each reason once (writing a file
// twice is not twice the evidence); the actor's score is the sum over its files.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "guard/alert.hpp"
#include "guard/change_evidence.hpp"
#include "guard/smb_session.hpp"

namespace vigie::guard {

struct FileRecord {
    std::map<std::string, EvidencePart> parts;  ///< by reason key
    int score = 0;
};

struct Actor {
    std::string id;  ///< "<process group>-<start ticks>" ("smb-<worker>-<start ticks>")
    std::int32_t process_group = 0;  ///< the actor's key: its process group, or the SMB worker
    std::uint32_t uid = 0;
    bool uid_known = true;  ///< false for a process gone before /proc could be read
    std::string executable;
    std::string command;
    std::set<std::int32_t> processes;                  ///< every pid seen acting
    std::map<std::string, FileRecord> files;           ///< by current path
    std::map<std::string, std::string> opaque_copies;  ///< new unrecognisable file -> its dir
    std::set<std::string> recent_deletes;  ///< paths deleted lately (pairing in either order)
    std::set<std::string> touched;         ///< paths written, renamed or deleted
    int score = 0;
    bool contained = false;  ///< suspended (or, in dry run, reported)
    /// Pacing (engine.hpp): existing files it has open for writing (by device and inode,
    /// with the number of opens), and how many of its changes were judged harmless.
    std::map<std::pair<std::uint64_t, std::uint64_t>, int> writing;
    int writes_in_flight = 0;
    int harmless_changes = 0;
    std::int64_t last_event_ns = 0;
    // An SMB session: signalled alone (never its group), its client machine blocked.
    bool smb = false;
    SmbClient client;
    SmbSessionDetails session;  ///< user and share, asked of Samba when it is stopped
    bool session_asked = false;

    /// Adds a change's evidence to the file at `path`; returns the points it added (reasons
    /// the file already had add nothing).
    int add_evidence(const std::string& path, const std::vector<EvidencePart>& parts);

    /// A file renamed: its record follows it.
    void rename_file(const std::string& from, const std::string& to);

    /// The files with evidence, highest score first.
    std::vector<FileEvidence> evidence() const;
};

}  // namespace vigie::guard
