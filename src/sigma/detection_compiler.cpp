#include "sigma/detection_compiler.hpp"

#include "sigma/yaml_reading.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <set>

namespace vigie::sigma {
namespace {

core::Error at(const YAML::Node& n, core::ErrorCode code, std::string message) {
    return core::fail(code, std::move(message), {{}, core::Location::kNone, {}, yaml_line(n)});
}

// A rule value with the type YAML gives it (plain scalars may be numbers, booleans or null).
struct RuleValue {
    enum class Type { kString, kInt, kFloat, kBool, kNull } type = Type::kString;
    std::string text;
    std::int64_t integer = 0;
    double real = 0;
    bool boolean = false;
};

RuleValue classify(const YAML::Node& n) {
    RuleValue v;
    if (n.IsNull()) {
        v.type = RuleValue::Type::kNull;
        return v;
    }
    v.text = n.Scalar();
    if (n.Tag() != "?") return v;  // quoted: always a string
    const std::string& s = v.text;
    if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE") {
        v.type = RuleValue::Type::kBool;
        v.boolean = s[0] == 't' || s[0] == 'T';
        return v;
    }
    if (s == "null" || s == "Null" || s == "NULL" || s == "~") {
        v.type = RuleValue::Type::kNull;
        return v;
    }
    {
        std::int64_t i = 0;
        const char* b = s.data();
        const char* e = s.data() + s.size();
        if (b != e && *b == '+') ++b;
        auto [end, ec] = std::from_chars(b, e, i);
        if (ec == std::errc() && end == e && b != e) {
            v.type = RuleValue::Type::kInt;
            v.integer = i;
            return v;
        }
        double d = 0;
        auto [dend, dec] = std::from_chars(b, e, d);
        if (dec == std::errc() && dend == e && b != e &&
            s.find_first_of(".eE") != std::string::npos) {
            v.type = RuleValue::Type::kFloat;
            v.real = d;
            return v;
        }
    }
    return v;
}

struct Modifiers {
    std::vector<std::string> chain;  // in written order, for the string transformations
    bool all = false, cased = false, neq = false, exists = false, re = false, re_i = false,
         re_m = false, re_s = false, cidr = false, fieldref = false, expand = false;
    bool contains = false, startswith = false, endswith = false;
    std::optional<CompareOp> compare;
    std::optional<TimePart> time_part;
};

// Type modifiers (re, cidr, fieldref, exists, comparisons, time parts) make the value something
// other than a string. As in pySigma, they take the value as written ("only applicable to
// unmodified values"), and only what still means something for their type may follow them:
// contains/startswith/endswith after re and fieldref, a comparison after a time part
// (`hour|gte: 8`). Anything else (`cidr|contains`, `base64|re`) would be ignored silently,
// while every other Sigma tool rejects the rule.
core::Result<void> check_modifier_order(const std::vector<std::string>& names) {
    static const std::set<std::string> kTransforms = {
        "contains", "startswith", "endswith", "windash", "base64", "base64offset",
        "wide",     "utf16le",    "utf16be",  "utf16",   "expand"};
    static const std::set<std::string> kCompares = {"lt", "lte", "gt", "gte"};
    static const std::set<std::string> kTimeParts = {"minute", "hour",  "day",
                                                     "week",   "month", "year"};
    std::string type;       // the type modifier in force
    std::string transform;  // the first string modifier, when it came before any type
    for (const std::string& n : names) {
        if (kTransforms.count(n) != 0) {
            if (type.empty()) {
                if (transform.empty()) transform = n;
                continue;
            }
            const bool anchor = n == "contains" || n == "startswith" || n == "endswith";
            if (anchor && (type == "re" || type == "fieldref")) continue;
            return core::fail(core::ErrorCode::kParse, "'" + n + "' cannot follow '" + type + "'");
        }
        const bool is_type = n == "re" || n == "cidr" || n == "fieldref" || n == "exists" ||
                             kCompares.count(n) != 0 || kTimeParts.count(n) != 0;
        if (!is_type) continue;
        if (!transform.empty()) {
            return core::fail(core::ErrorCode::kParse, "'" + n + "' takes an unmodified value: '" +
                                                           transform + "' cannot come before it");
        }
        if (!type.empty() && !(kTimeParts.count(type) != 0 && kCompares.count(n) != 0)) {
            return core::fail(core::ErrorCode::kParse,
                              "incompatible modifiers: at most one of re, cidr, fieldref, "
                              "exists, lt/lte/gt/gte and a time part (which a comparison may "
                              "follow)");
        }
        type = n;
    }
    return {};
}

core::Result<Modifiers> parse_modifiers(const std::vector<std::string>& names) {
    Modifiers m;
    static const std::set<std::string> kStringTransforms = {
        "contains",     "startswith", "endswith", "windash", "base64",
        "base64offset", "wide",       "utf16le",  "utf16be", "utf16"};
    for (const std::string& n : names) {
        if (kStringTransforms.count(n) != 0) {
            m.chain.push_back(n);
            if (n == "contains") m.contains = true;
            if (n == "startswith") m.startswith = true;
            if (n == "endswith") m.endswith = true;
        } else if (n == "all") {
            m.all = true;
        } else if (n == "cased") {
            m.cased = true;
        } else if (n == "neq") {
            m.neq = true;
        } else if (n == "exists") {
            m.exists = true;
        } else if (n == "re") {
            m.re = true;
        } else if (n == "i" || n == "ignorecase") {
            m.re_i = true;
        } else if (n == "m" || n == "multiline") {
            m.re_m = true;
        } else if (n == "s" || n == "dotall") {
            m.re_s = true;
        } else if (n == "cidr") {
            m.cidr = true;
        } else if (n == "fieldref") {
            m.fieldref = true;
        } else if (n == "expand") {
            m.expand = true;
            m.chain.push_back(n);
        } else if (n == "lt") {
            m.compare = CompareOp::kLt;
        } else if (n == "lte") {
            m.compare = CompareOp::kLte;
        } else if (n == "gt") {
            m.compare = CompareOp::kGt;
        } else if (n == "gte") {
            m.compare = CompareOp::kGte;
        } else if (n == "minute") {
            m.time_part = TimePart::kMinute;
        } else if (n == "hour") {
            m.time_part = TimePart::kHour;
        } else if (n == "day") {
            m.time_part = TimePart::kDay;
        } else if (n == "week") {
            m.time_part = TimePart::kWeek;
        } else if (n == "month") {
            m.time_part = TimePart::kMonth;
        } else if (n == "year") {
            m.time_part = TimePart::kYear;
        } else {
            return core::fail(core::ErrorCode::kUnsupported, "unknown modifier '" + n + "'");
        }
    }
    if ((m.re_i || m.re_m || m.re_s) && !m.re) {
        return core::fail(core::ErrorCode::kParse, "regular expression flags (i, m, s) need 're'");
    }
    if (auto order = check_modifier_order(names); !order) return order.error();
    return m;
}

class ItemCompiler {
  public:
    ItemCompiler(const DetectionContext& ctx, ValueMapping mapping)
        : ctx_(ctx), mapping_(mapping) {}

    // Appends the predicates one rule value compiles to (its expansions).
    core::Result<void> compile_value(const YAML::Node& node, const Modifiers& m, bool keyword,
                                     ValueGroup& group) {
        const RuleValue v = classify(node);
        if (m.exists) {
            // pySigma: "Exists modifier must be applied to field".
            if (keyword) return at(node, core::ErrorCode::kParse, "exists needs a field");
            if (v.type != RuleValue::Type::kBool)
                return at(node, core::ErrorCode::kParse, "exists needs true or false");
            Predicate p;
            p.kind = Predicate::Kind::kExists;
            p.exists = v.boolean;
            group.alternatives.push_back(std::move(p));
            return {};
        }
        if (v.type == RuleValue::Type::kNull) {
            if (!m.chain.empty() || m.re || m.cidr || m.compare || m.fieldref) {
                return at(node, core::ErrorCode::kParse, "null cannot take modifiers");
            }
            Predicate p;
            p.kind = Predicate::Kind::kNull;
            group.alternatives.push_back(std::move(p));
            return {};
        }
        if (m.compare || m.time_part) {
            if (v.type != RuleValue::Type::kInt && v.type != RuleValue::Type::kFloat) {
                return at(node, core::ErrorCode::kParse, "a number is expected here");
            }
            Predicate p;
            p.kind = m.time_part ? Predicate::Kind::kTimePart : Predicate::Kind::kCompare;
            if (m.time_part) {
                p.part = *m.time_part;
                p.number =
                    v.type == RuleValue::Type::kInt ? v.integer : static_cast<std::int64_t>(v.real);
            }
            if (m.compare) {
                p.time_compare = m.time_part.has_value();  // `hour|gte: 8`
                p.op = *m.compare;
                p.threshold =
                    v.type == RuleValue::Type::kInt ? static_cast<double>(v.integer) : v.real;
            }
            group.alternatives.push_back(std::move(p));
            return {};
        }
        if (m.re) {
            std::string pattern = v.text;
            if (m.startswith && !pattern.starts_with('^')) pattern = "^(?:" + pattern + ")";
            if (m.endswith && !pattern.ends_with('$')) pattern = "(?:" + pattern + ")$";
            auto re = compile_regex(pattern, m.re_i, m.re_m, m.re_s);
            if (!re) return at(node, re.error().code, re.error().message);
            Predicate p;
            p.kind = Predicate::Kind::kRegex;
            p.regex = std::move(*re);
            p.regex_min_bytes = regex_min_bytes(pattern);
            p.regex_is_run = regex_is_dot_run(pattern);
            p.regex_dot_all = m.re_s;
            group.alternatives.push_back(std::move(p));
            return {};
        }
        if (m.cidr) {
            auto range = parse_cidr(v.text);
            if (!range) return at(node, range.error().code, range.error().message);
            Predicate p;
            p.kind = Predicate::Kind::kCidr;
            p.cidr = *range;
            group.alternatives.push_back(std::move(p));
            return {};
        }
        if (m.fieldref) {
            if (keyword) return at(node, core::ErrorCode::kParse, "fieldref needs a field");
            // pySigma: "Field references must not contain wildcards" (a field name has none).
            if (SigmaString::parse(v.text).has_wildcards()) {
                return at(node, core::ErrorCode::kParse,
                          "fieldref: a field name cannot hold wildcards");
            }
            const MappedField mapped = map_field(ctx_.mapping, v.text);
            Predicate p;
            p.kind = Predicate::Kind::kFieldRef;
            // A field the source never has is never found: the reference does not hold.
            p.other = mapped.absent ? FieldNames::kUnknown : ctx_.names->intern(mapped.name);
            p.ref_cased = m.cased;
            p.ref_mode = m.contains     ? StringMatcher::Mode::kContains
                         : m.startswith ? StringMatcher::Mode::kPrefix
                         : m.endswith   ? StringMatcher::Mode::kSuffix
                                        : StringMatcher::Mode::kExact;
            group.alternatives.push_back(std::move(p));
            return {};
        }
        // Numbers for fields whose events may write them in hexadecimal.
        if (mapping_ == ValueMapping::kNumber && m.chain.empty()) {
            std::int64_t n = 0;
            const auto* b = v.text.data();
            auto [end, ec] = std::from_chars(b, b + v.text.size(), n);
            if (ec == std::errc() && end == b + v.text.size()) {
                Predicate p;
                p.kind = Predicate::Kind::kNumber;
                p.number = n;
                group.alternatives.push_back(std::move(p));
                return {};
            }
        }
        std::string text =
            v.type == RuleValue::Type::kBool ? (v.boolean ? "true" : "false") : v.text;
        if (mapping_ == ValueMapping::kIntegrityLevel) {
            const std::string sid = integrity_level_sid(text);
            if (!sid.empty()) text = sid;
        }
        // Strings: numbers and booleans match their written form.
        std::vector<SigmaString> values{v.type == RuleValue::Type::kString
                                            ? SigmaString::parse(text, m.expand)
                                            : SigmaString::literal(text)};
        if (keyword && !m.contains && !m.startswith && !m.endswith) {
            // Keyword searches look for the value anywhere in the event.
            for (auto& s : values) {
                if (!s.starts_with_any_run()) s.prepend_any_run();
                if (!s.ends_with_any_run()) s.append_any_run();
            }
        }
        for (const std::string& mod : m.chain) {
            auto next = apply(mod, values);
            if (!next) return at(node, next.error().code, mod + ": " + next.error().message);
            values = std::move(*next);
        }
        for (const SigmaString& s : values) {
            if (s.has_placeholders()) {
                return at(node, core::ErrorCode::kUnsupported, "unexpanded placeholder");
            }
            Predicate p;
            p.kind = Predicate::Kind::kString;
            p.string = StringMatcher::compile(s, m.cased);
            group.alternatives.push_back(std::move(p));
        }
        return {};
    }

  private:
    core::Result<std::vector<SigmaString>> apply(const std::string& mod,
                                                 const std::vector<SigmaString>& in) {
        std::vector<SigmaString> out;
        for (const SigmaString& s : in) {
            if (mod == "contains" || mod == "startswith" || mod == "endswith") {
                SigmaString t = s;
                if (mod != "startswith" && !t.starts_with_any_run()) t.prepend_any_run();
                if (mod != "endswith" && !t.ends_with_any_run()) t.append_any_run();
                out.push_back(std::move(t));
            } else if (mod == "windash") {
                auto expanded = expand_windash(s);
                if (!expanded) return expanded.error();
                out.insert(out.end(), expanded->begin(), expanded->end());
            } else if (mod == "base64") {
                auto e = encode_base64(s);
                if (!e) return e.error();
                out.push_back(std::move(*e));
            } else if (mod == "base64offset") {
                auto e = encode_base64_offsets(s);
                if (!e) return e.error();
                out.insert(out.end(), e->begin(), e->end());
            } else if (mod == "wide" || mod == "utf16le" || mod == "utf16be" || mod == "utf16") {
                auto e = encode_utf16(s, mod == "utf16be", mod == "utf16");
                if (!e) return e.error();
                out.push_back(std::move(*e));
            } else if (mod == "expand") {
                auto e = expand_placeholders(s);
                if (!e) return e.error();
                out.insert(out.end(), e->begin(), e->end());
            }
        }
        return out;
    }

    core::Result<std::vector<SigmaString>> expand_placeholders(const SigmaString& s) {
        std::vector<SigmaString> out(1);
        for (const StringPart& part : s.parts()) {
            if (part.kind != StringPart::Kind::kPlaceholder) {
                for (auto& o : out) o.append_part(part);
                continue;
            }
            const std::vector<std::string>* values = nullptr;
            if (ctx_.placeholders != nullptr) {
                auto it = ctx_.placeholders->find(part.text);
                if (it != ctx_.placeholders->end()) values = &it->second;
            }
            if (values == nullptr || values->empty()) {
                return core::fail(core::ErrorCode::kUnsupported,
                                  "placeholder %" + part.text +
                                      "% is not configured (give values with --placeholders)");
            }
            std::vector<SigmaString> next;
            for (const SigmaString& prefix : out) {
                for (const std::string& v : *values) {
                    SigmaString t = prefix;
                    const SigmaString value = SigmaString::parse(v);
                    for (const StringPart& p : value.parts()) t.append_part(p);
                    next.push_back(std::move(t));
                }
            }
            out = std::move(next);
        }
        return out;
    }

    const DetectionContext& ctx_;
    ValueMapping mapping_;
};

core::Result<DetectionItem> compile_item(const std::string& key, const YAML::Node& key_node,
                                         const YAML::Node& value, const DetectionContext& ctx) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t bar = key.find('|', start);
        parts.push_back(
            key.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
        if (bar == std::string::npos) break;
        start = bar + 1;
    }
    const std::string field = parts[0];
    parts.erase(parts.begin());
    auto mods = parse_modifiers(parts);
    if (!mods) return at(key_node, mods.error().code, "'" + key + "': " + mods.error().message);

    DetectionItem item;
    item.keyword = field.empty();
    item.all = mods->all;
    item.negated = mods->neq;
    ValueMapping value_mapping = ValueMapping::kNone;
    if (!item.keyword) {
        // An absent field keeps kUnknown: evaluated on no event, folded by compile_map.
        const MappedField mapped = map_field(ctx.mapping, field);
        if (!mapped.absent) item.field = ctx.names->intern(mapped.name);
        value_mapping = mapped.values;
    }
    ItemCompiler compiler(ctx, value_mapping);
    auto add_value = [&](const YAML::Node& v) -> core::Result<void> {
        if (!v.IsScalar() && !v.IsNull()) {
            return at(v, core::ErrorCode::kParse,
                      "'" + key + "': a value or a list of values expected");
        }
        ValueGroup group;
        if (auto r = compiler.compile_value(v, *mods, item.keyword, group); !r) return r;
        item.groups.push_back(std::move(group));
        return {};
    };
    if (value.IsSequence()) {
        for (const auto& v : value) {
            if (auto r = add_value(v); !r) return r.error();
        }
        if (value.size() == 0)
            return at(key_node, core::ErrorCode::kParse, "'" + key + "': empty list");
    } else {
        if (auto r = add_value(value); !r) return r.error();
    }
    return item;
}

// The AND of a map's items. Tests of absent fields are constants: a true one is left out, a
// false one makes the whole map false on every event of the source (`never`).
struct ItemList {
    std::vector<DetectionItem> items;
    bool never = false;
};

core::Result<ItemList> compile_map(const YAML::Node& map, const DetectionContext& ctx,
                                   AbsentFieldUse& absent) {
    ItemList list;
    for (const auto& kv : map) {
        if (!kv.first.IsScalar())
            return at(kv.first, core::ErrorCode::kParse, "field name expected");
        const std::string& key = kv.first.Scalar();
        auto item = compile_item(key, kv.first, kv.second, ctx);
        if (!item) return item.error();
        if (item->keyword || item->field != FieldNames::kUnknown) {
            list.items.push_back(std::move(*item));
            continue;
        }
        const std::string field = key.substr(0, key.find('|'));
        if (std::find(absent.fields.begin(), absent.fields.end(), field) == absent.fields.end())
            absent.fields.push_back(field);
        if (!holds_when_absent(*item)) list.never = true;
    }
    return list;
}

core::Result<Selection> compile_selection(const std::string& name, const YAML::Node& node,
                                          const DetectionContext& ctx, AbsentFieldUse& absent) {
    Selection sel;
    sel.name = name;
    // With absent fields, the OR keeps the maps that can still hold; none left: never true,
    // one left empty: always true.
    auto settle = [&] {
        if (absent.fields.empty()) return;
        absent.truth = sel.alternatives.empty() ? Truth::kFalse : Truth::kUnknown;
        for (const auto& items : sel.alternatives) {
            if (items.empty()) absent.truth = Truth::kTrue;
        }
    };
    if (node.IsMap()) {
        auto list = compile_map(node, ctx, absent);
        if (!list) return list.error();
        if (!list->never) sel.alternatives.push_back(std::move(list->items));
        settle();
        return sel;
    }
    if (node.IsSequence()) {
        bool maps = false, scalars = false;
        for (const auto& v : node) (v.IsMap() ? maps : scalars) = true;
        if (maps && scalars) {
            return at(node, core::ErrorCode::kParse,
                      "'" + name + "' mixes maps and plain values in one list");
        }
        if (maps) {
            for (const auto& v : node) {
                auto list = compile_map(v, ctx, absent);
                if (!list) return list.error();
                if (!list->never) sel.alternatives.push_back(std::move(list->items));
            }
            settle();
            return sel;
        }
        // A list of keywords.
        auto item = compile_item("", node, node, ctx);
        if (!item) return item.error();
        sel.alternatives.push_back({std::move(*item)});
        return sel;
    }
    if (node.IsScalar()) {
        auto item = compile_item("", node, node, ctx);
        if (!item) return item.error();
        sel.alternatives.push_back({std::move(*item)});
        return sel;
    }
    return at(node, core::ErrorCode::kParse, "'" + name + "' is empty");
}

}  // namespace

core::Result<CompiledDetection> compile_detection(const YAML::Node& detection,
                                                  const DetectionContext& context) {
    if (!detection.IsMap()) {
        return at(detection, core::ErrorCode::kParse, "'detection' must be a map");
    }
    CompiledDetection out;
    std::vector<std::string> names;
    std::vector<std::string> conditions;
    YAML::Node condition_node;
    for (const auto& kv : detection) {
        const std::string key = kv.first.Scalar();
        if (key == "condition") {
            condition_node = kv.second;
            if (kv.second.IsSequence()) {
                for (const auto& c : kv.second) conditions.push_back(c.Scalar());
            } else {
                conditions.push_back(kv.second.Scalar());
            }
            continue;
        }
        if (key == "timeframe") continue;  // Sigma 1 aggregation window, used only with `| count`
        names.push_back(key);
    }
    if (conditions.empty())
        return at(detection, core::ErrorCode::kParse, "detection has no condition");
    auto condition = Condition::parse_any(conditions, names);
    if (!condition) return at(condition_node, condition.error().code, condition.error().message);
    out.condition = std::move(*condition);
    // Compile only what the condition uses: an unused, broken selection does not matter.
    const std::vector<std::uint32_t> used = out.condition.referenced();
    out.selections.resize(names.size());
    out.absent.resize(names.size());
    std::size_t index = 0;
    for (const auto& kv : detection) {
        const std::string key = kv.first.Scalar();
        if (key == "condition" || key == "timeframe") continue;
        const std::size_t i = index++;
        out.selections[i].name = key;
        out.absent[i].line = yaml_line(kv.first);
        if (!std::binary_search(used.begin(), used.end(), static_cast<std::uint32_t>(i))) continue;
        auto sel = compile_selection(key, kv.second, context, out.absent[i]);
        if (!sel) return sel.error();
        out.selections[i] = std::move(*sel);
    }
    return out;
}

}  // namespace vigie::sigma
