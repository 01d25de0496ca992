#include "evtx/json_shape_compare.hpp"

#include <fmt/format.h>

namespace vigie::test {

namespace {
std::string show(simdjson::dom::element e) {
    std::string s = simdjson::minify(e);
    return s.size() > 120 ? s.substr(0, 120) + "..." : s;
}
bool is_number(simdjson::dom::element_type t) {
    using T = simdjson::dom::element_type;
    return t == T::INT64 || t == T::UINT64 || t == T::DOUBLE;
}

void collect(simdjson::dom::element a, simdjson::dom::element b, const std::string& path,
             std::vector<JsonDifference>& out);

std::string difference(simdjson::dom::element a, simdjson::dom::element b, const std::string& path,
                       std::vector<JsonDifference>& out) {
    using T = simdjson::dom::element_type;
    const T ta = a.type(), tb = b.type();
    if (is_number(ta) && is_number(tb)) {
        if (ta == T::DOUBLE || tb == T::DOUBLE) {
            if (double(a) == double(b)) return {};
        } else if (ta == T::INT64 && tb == T::INT64     ? int64_t(a) == int64_t(b)
                   : ta == T::UINT64 && tb == T::UINT64 ? uint64_t(a) == uint64_t(b)
                                                        : false) {
            return {};
        }
        return fmt::format("{}: {} != {}", path, show(a), show(b));
    }
    if (ta != tb) return fmt::format("{}: {} != {} (types differ)", path, show(a), show(b));
    switch (ta) {
        case T::OBJECT: {
            simdjson::dom::object oa = a, ob = b;
            if (oa.size() != ob.size()) {
                for (auto [k, v] : ob) {
                    if (oa[k].error())
                        return fmt::format("{}/{}: missing in ours ({})", path, k, show(v));
                }
                for (auto [k, v] : oa) {
                    if (ob[k].error())
                        return fmt::format("{}/{}: not in reference ({})", path, k, show(v));
                }
            }
            for (auto [k, v] : oa) {
                auto other = ob[k];
                if (other.error())
                    return fmt::format("{}/{}: not in reference ({})", path, k, show(v));
                collect(v, other.value(), path + "/" + std::string(k), out);
            }
            return {};
        }
        case T::ARRAY: {
            simdjson::dom::array xa = a, xb = b;
            if (xa.size() != xb.size())
                return fmt::format("{}: {} items != {}", path, xa.size(), xb.size());
            std::size_t i = 0;
            auto ib = xb.begin();
            for (auto va : xa) {
                collect(va, *ib, fmt::format("{}[{}]", path, i++), out);
                ++ib;
            }
            return {};
        }
        case T::STRING: {
            std::string_view sa = a, sb = b;
            return sa == sb ? std::string() : fmt::format("{}: {} != {}", path, show(a), show(b));
        }
        case T::BOOL:
            return bool(a) == bool(b) ? std::string()
                                      : fmt::format("{}: {} != {}", path, show(a), show(b));
        case T::NULL_VALUE:
            return {};
        default:
            return fmt::format("{}: unexpected type", path);
    }
}

void collect(simdjson::dom::element a, simdjson::dom::element b, const std::string& path,
             std::vector<JsonDifference>& out) {
    std::string message = difference(a, b, path, out);
    if (!message.empty()) out.push_back({path, std::move(message)});
}

}  // namespace

std::vector<JsonDifference> json_differences(simdjson::dom::element ours,
                                             simdjson::dom::element reference) {
    std::vector<JsonDifference> out;
    collect(ours, reference, "", out);
    return out;
}

}  // namespace vigie::test
