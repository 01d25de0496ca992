// The YAML side of RuleSet: files and documents -> RuleInfo + compiled forms, with reasons for
// everything refused. yaml-cpp reports errors by exception; they stop here.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "core/ordered_parallel.hpp"

#include "sigma/detection_compiler.hpp"
#include "sigma/filter_document.hpp"
#include "sigma/rule_set.hpp"
#include "sigma/yaml_reading.hpp"

namespace vigie::sigma {

// One rule file, read and parsed (possibly on another thread), not yet compiled.
struct ParsedFile {
    std::string file;
    std::vector<YAML::Node> documents;
    std::optional<core::Error> error;
};

// What yaml-cpp is given must be YAML text: its parser loops and eats memory on some control
// characters (found by fuzzing: three bytes ",\x01\x01"), and a rule file has no use for them
// (YAML 1.2 allows only tab, line feed and carriage return below 0x20). Huge files are refused
// before parsing too.
constexpr std::size_t kMaxRuleFileBytes = 4u << 20;

std::optional<core::Error> check_text(const std::string& yaml, const std::string& file) {
    if (yaml.size() > kMaxRuleFileBytes) {
        return core::fail(
            core::ErrorCode::kLimitExceeded,
            "rule file larger than " + std::to_string(kMaxRuleFileBytes >> 20) + " MiB",
            {file, core::Location::kNone, {}, 0});
    }
    std::uint32_t line = 1;
    for (const char ch : yaml) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n') ++line;
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
            char hex[8];
            std::snprintf(hex, sizeof(hex), "0x%02X", c);
            return core::fail(core::ErrorCode::kParse,
                              std::string("YAML: control character ") + hex + " is not allowed",
                              {file, core::Location::kNone, {}, line});
        }
    }
    return std::nullopt;
}

// The documents of a multi-document file, each padded with the newlines that precede it so that
// yaml-cpp's line numbers stay those of the file. Documents are split at the markers the YAML
// specification forbids inside any content ("---" or "..." at the start of a line); yaml-cpp's
// own LoadAll is not used because it loops forever on some invalid input (",", fixed upstream
// in 2024, after the version Debian 12 ships).
std::vector<std::string> split_documents(const std::string& yaml) {
    std::vector<std::string> out;
    std::string current;
    std::size_t line = 0, current_first_line = 0;
    auto marker = [](std::string_view l, std::string_view m) {
        return l.substr(0, 3) == m &&
               (l.size() == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r');
    };
    auto flush = [&] {
        if (current.find_first_not_of(" \t\r\n") != std::string::npos) {
            out.push_back(std::string(current_first_line, '\n') + current);
        }
        current.clear();
    };
    std::size_t pos = 0;
    while (pos <= yaml.size()) {
        std::size_t end = yaml.find('\n', pos);
        if (end == std::string::npos) end = yaml.size();
        const std::string_view l(yaml.data() + pos, end - pos);
        if (marker(l, "---") || marker(l, "...")) {
            flush();
            current_first_line = line + 1;
            // Content may follow "--- " on the same line ("--- !tag" or a scalar).
            if (l.substr(0, 3) == "---" && l.size() > 4) {
                current_first_line = line;
                current.append(std::string(l.substr(4))).push_back('\n');
            }
        } else {
            if (current.empty()) current_first_line = line;
            current.append(l);
            current.push_back('\n');
        }
        ++line;
        if (end == yaml.size()) break;
        pos = end + 1;
    }
    flush();
    return out;
}

class RuleLoader {
  public:
    RuleLoader(RuleSet& set, DocumentKinds kinds) : set_(set), kinds_(kinds) {}

    void load_document(const YAML::Node& doc, const std::string& file) {
        ++set_.report_.documents;
        const std::uint32_t line = static_cast<std::uint32_t>(std::max(doc.Mark().line, 0) + 1);
        if (!doc.IsMap()) {
            reject(file, line, "", core::ErrorCode::kParse, "a YAML map is expected for a rule");
            return;
        }
        const std::string title = scalar(doc["title"]);
        const std::string id = scalar(doc["id"]);
        const std::string label = !id.empty() ? id : title;
        const bool correlation = static_cast<bool>(doc["correlation"]);
        if (is_filter_document(doc)) {
            load_filter(doc, file, line, label);
            return;
        }
        if (kinds_ == DocumentKinds::kFiltersOnly) {
            reject(file, line, label, core::ErrorCode::kInvalidArgument,
                   "not a Sigma filter ('filter' with 'rules', no 'detection'), in a folder "
                   "given as filters");
            return;
        }
        if (!doc["detection"] && !correlation) {
            reject(file, line, label, core::ErrorCode::kParse, "not a Sigma rule: no 'detection'");
            return;
        }
        if (title.empty()) {
            reject(file, line, label, core::ErrorCode::kParse, "a rule needs a 'title'");
            return;
        }
        auto info = read_info(doc, file, line, label);
        if (!info) return;
        if (correlation) {
            // References are resolved in RuleSet::finalize, once every file is loaded.
            auto spec = parse_correlation(doc, info);
            if (!spec) {
                const std::uint32_t where =
                    spec.error().location.line != 0 ? spec.error().location.line : line;
                reject(file, where, label, spec.error().code, spec.error().message);
                return;
            }
            set_.correlations_.push_back({std::move(*spec), 0, {}});
            ++set_.report_.loaded;
            return;
        }
        auto targets = map_log_source(info->logsource);
        if (!targets) {
            const YAML::Node logsource = doc["logsource"];
            reject(file, yaml_line(logsource ? logsource : doc), label, targets.error().code,
                   targets.error().message);
            return;
        }
        std::size_t compiled = 0;
        for (const LogSourceTarget& target : *targets) {
            DetectionContext ctx{&set_.names_, target.mapping, set_.options_.placeholders};
            auto detection = compile_detection(doc["detection"], ctx);
            if (!detection) {
                const core::Error& e = detection.error();
                const std::uint32_t where = e.location.line != 0 ? e.location.line : line;
                if (target.mapping != FieldMappingKind::kNone) {
                    set_.report_.notes.push_back({file, where, label, e.code,
                                                  "not run on " + target.name + ": " + e.message});
                    continue;
                }
                reject(file, where, label, e.code, e.message);
                return;
            }
            if (target.mapping != FieldMappingKind::kNone) {
                std::vector<std::string> names;
                for (const Selection& sel : detection->selections) names.push_back(sel.name);
                const AbsentFieldsVerdict verdict =
                    judge_absent_fields(detection->condition, detection->absent, names);
                const std::uint32_t where = verdict.line != 0 ? verdict.line : line;
                if (!verdict.runnable) {
                    set_.report_.notes.push_back(
                        {file, where, label, core::ErrorCode::kUnsupported,
                         "not run on " + target.name + ": " + verdict.reason});
                    continue;
                }
                if (!verdict.reason.empty()) {
                    set_.report_.notes.push_back({file, where, label, core::ErrorCode::kUnsupported,
                                                  "on " + target.name + ": " + verdict.reason});
                }
            }
            auto rule = std::make_unique<CompiledRule>();
            rule->info = info;
            rule->target = target.name;
            rule->filter = target.filter;
            rule->mapping = target.mapping;
            rule->selections = std::move(detection->selections);
            rule->condition = std::move(detection->condition);
            set_.rules_.push_back(std::move(rule));
            ++compiled;
        }
        if (compiled > 0) ++set_.report_.loaded;
    }

    /// YAML text -> documents; thread-safe (touches no RuleSet state).
    static ParsedFile parse(const std::string& yaml, const std::string& file) {
        ParsedFile parsed;
        parsed.file = file;
        if (auto invalid = check_text(yaml, file)) {
            parsed.error = std::move(*invalid);
            return parsed;
        }
        try {
            for (const std::string& document : split_documents(yaml)) {
                parsed.documents.push_back(YAML::Load(document));
            }
        } catch (const YAML::Exception& e) {
            parsed.error = core::fail(core::ErrorCode::kParse, "YAML: " + e.msg,
                                      {file,
                                       core::Location::kNone,
                                       {},
                                       static_cast<std::uint32_t>(std::max(e.mark.line, 0) + 1)});
        }
        return parsed;
    }

    void load_text(const std::string& yaml, const std::string& file) {
        load_parsed(parse(yaml, file));
    }

    void load_parsed(const ParsedFile& parsed) {
        const std::string& file = parsed.file;
        ++set_.report_.files;
        if (parsed.error) {
            reject(file, parsed.error->location.line, "", parsed.error->code,
                   parsed.error->message);
            return;
        }
        std::size_t documents = 0;
        for (const YAML::Node& doc : parsed.documents) {
            if (doc.IsNull()) continue;  // an empty document (a trailing `---`)
            ++documents;
            try {
                load_document(doc, file);
            } catch (const YAML::Exception& e) {
                reject(file, static_cast<std::uint32_t>(std::max(e.mark.line, 0) + 1), "",
                       core::ErrorCode::kParse, "YAML: " + e.msg);
            }
        }
        if (documents == 0) {
            reject(file, 1, "", core::ErrorCode::kParse, "YAML: the file holds no document");
        }
    }

  private:
    void load_filter(const YAML::Node& doc, const std::string& file, std::uint32_t line,
                     const std::string& label) {
        auto filter =
            read_filter_document(doc, file, line, set_.names_, set_.options_.placeholders);
        if (!filter) {
            const std::uint32_t where =
                filter.error().location.line != 0 ? filter.error().location.line : line;
            reject(file, where, label, filter.error().code, "filter: " + filter.error().message);
            return;
        }
        // Filters and rules share one id space: a filter is named in messages by its id.
        if (const std::string& id = filter->info->id; !id.empty()) {
            auto [it, inserted] = set_.rule_files_by_id_.try_emplace(id, file);
            if (!inserted) {
                reject(file, line, label, core::ErrorCode::kInvalidArgument,
                       "duplicate rule id, already loaded from " + it->second);
                return;
            }
        }
        set_.filters_.push_back(std::move(*filter));
        ++set_.report_.filters;
    }

    /// The rule's metadata; null (and the document rejected) when it is not acceptable.
    std::shared_ptr<RuleInfo> read_info(const YAML::Node& doc, const std::string& file,
                                        std::uint32_t line, const std::string& label) {
        auto info = std::make_shared<RuleInfo>();
        info->id = scalar(doc["id"]);
        const std::string& id = info->id;
        info->title = scalar(doc["title"]);
        info->name = scalar(doc["name"]);
        info->status = scalar(doc["status"]);
        info->description = scalar(doc["description"]);
        info->author = scalar(doc["author"]);
        info->date = scalar(doc["date"]);
        info->file = file;
        info->line = line;
        info->tags = yaml_strings(doc["tags"]);
        info->fields = yaml_strings(doc["fields"]);
        info->falsepositives = yaml_strings(doc["falsepositives"]);
        if (const std::string level = scalar(doc["level"]); !level.empty()) {
            if (auto l = parse_level(level)) {
                info->level = *l;
                info->level_given = true;
            } else {
                reject(file, yaml_line(doc["level"]), label, core::ErrorCode::kParse,
                       "unknown level '" + level + "'");
                return nullptr;
            }
        }
        const YAML::Node logsource = doc["logsource"];
        if (logsource && logsource.IsMap()) {
            info->logsource.product = scalar(logsource["product"]);
            info->logsource.category = scalar(logsource["category"]);
            info->logsource.service = scalar(logsource["service"]);
        }
        if (!id.empty()) {
            auto [it, inserted] = set_.rule_files_by_id_.try_emplace(id, file);
            if (!inserted) {
                reject(file, line, label, core::ErrorCode::kInvalidArgument,
                       "duplicate rule id, already loaded from " + it->second);
                return nullptr;
            }
        }
        return info;
    }

    static std::string scalar(const YAML::Node& n) {
        return n && n.IsScalar() ? n.Scalar() : std::string();
    }
    void reject(const std::string& file, std::uint32_t line, const std::string& rule,
                core::ErrorCode code, std::string reason) {
        set_.report_.rejected.push_back({file, line, rule, code, std::move(reason)});
    }

    RuleSet& set_;
    DocumentKinds kinds_;
};

RuleSet::RuleSet(RuleSetOptions options) : options_(options) {}
RuleSet::RuleSet(RuleSet&&) noexcept = default;
RuleSet& RuleSet::operator=(RuleSet&&) noexcept = default;
RuleSet::~RuleSet() = default;

namespace {

bool is_rule_file(const std::filesystem::path& p) {
    const std::string ext = p.extension().string();
    return ext == ".yml" || ext == ".yaml";
}

}  // namespace

core::Result<void> RuleSet::load_path(const std::string& path, DocumentKinds kinds) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
        return core::fail(core::ErrorCode::kNotFound, "no such rule file or folder: " + path,
                          {path, core::Location::kNone, {}, 0});
    }
    std::vector<std::string> files;
    if (fs::is_directory(st)) {
        fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied,
                                            ec);
        for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (it->is_regular_file(ec) && is_rule_file(it->path()))
                files.push_back(it->path().string());
        }
        if (ec)
            return core::fail(core::ErrorCode::kIo, "cannot list " + path + ": " + ec.message(),
                              {path, core::Location::kNone, {}, 0});
        std::sort(files.begin(), files.end());
    } else {
        files.push_back(path);
    }
    // Reading and YAML parsing go to all cores; compiling stays in file order on this thread
    // (it interns field names), so results do not depend on scheduling.
    RuleLoader loader(*this, kinds);
    core::ordered_parallel<ParsedFile>(
        files.size(), std::max(1u, std::thread::hardware_concurrency()), 64,
        [&](std::size_t i, unsigned) {
            auto text = read_text_file(files[i]);
            if (!text) {
                ParsedFile failed;
                failed.file = files[i];
                failed.error = text.error();
                return failed;
            }
            return RuleLoader::parse(*text, files[i]);
        },
        [&](std::size_t, ParsedFile&& parsed) { loader.load_parsed(parsed); });
    return {};
}

void RuleSet::load_yaml(const std::string& yaml, const std::string& file, DocumentKinds kinds) {
    RuleLoader(*this, kinds).load_text(yaml, file);
}

}  // namespace vigie::sigma
