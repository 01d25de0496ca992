// app/restore_command.hpp - `vigie restore` and `vigie journal`: undo what the guard kept.
#pragma once

#include <string>
#include <vector>

namespace vigie::app {

struct RestoreCommandOptions {
    std::string journal;
    std::vector<std::string> actors;
    std::vector<std::string> clients;  ///< SMB client addresses
    std::string since;                 ///< ISO 8601
    std::string path;
    bool all = false;
    bool dry_run = false;
};

/// Exit status: 0 everything selected is as it was, 1 something could not be restored, 2 error.
int run_restore_command(const RestoreCommandOptions& options);

/// Lists the journal's actors with their records and files. Exit status 0, or 2 on error.
int run_journal_command(const std::string& journal, bool files);

}  // namespace vigie::app
