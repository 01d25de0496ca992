#include "sigma/placeholders.hpp"

#include "sigma/yaml_reading.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

namespace vigie::sigma {

core::Result<Placeholders> parse_placeholders(const std::string& yaml, const std::string& file) {
    Placeholders out;
    try {
        const YAML::Node root = YAML::Load(yaml);
        if (!root.IsMap()) {
            return core::fail(core::ErrorCode::kParse,
                              "placeholders: a map of name -> values expected",
                              {file, core::Location::kNone, {}, 1});
        }
        for (const auto& kv : root) {
            const std::string name = kv.first.as<std::string>();
            std::vector<std::string>& values = out[name];
            if (kv.second.IsSequence()) {
                for (const auto& v : kv.second) values.push_back(v.as<std::string>());
            } else if (kv.second.IsScalar()) {
                values.push_back(kv.second.as<std::string>());
            } else {
                return core::fail(
                    core::ErrorCode::kParse,
                    "placeholder '" + name + "': a value or a list of values expected",
                    {file,
                     core::Location::kNone,
                     {},
                     static_cast<std::uint32_t>(kv.second.Mark().line + 1)});
            }
        }
    } catch (const YAML::Exception& e) {
        return core::fail(
            core::ErrorCode::kParse, "placeholders: " + e.msg,
            {file, core::Location::kNone, {}, static_cast<std::uint32_t>(e.mark.line + 1)});
    }
    return out;
}

core::Result<std::string> read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return core::fail(core::ErrorCode::kIo, "cannot open " + path,
                          {path, core::Location::kNone, {}, 0});
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

core::Result<Placeholders> load_placeholders(const std::string& path) {
    auto text = read_text_file(path);
    if (!text) return text.error();
    return parse_placeholders(*text, path);
}

}  // namespace vigie::sigma
