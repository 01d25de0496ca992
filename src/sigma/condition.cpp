#include "sigma/condition.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace vigie::sigma {
namespace {

struct Token {
    enum class Kind { kIdent, kOpen, kClose, kPipe, kEnd } kind;
    std::string_view text;
    std::size_t offset;
};

bool ident_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '*' || c == '-' ||
           c == '.' || c == '?';
}

bool equals_word(std::string_view a, std::string_view word) {
    if (a.size() != word.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != word[i]) return false;
    }
    return true;
}

// `*` matches any run of characters, at any position of the pattern.
bool pattern_matches(std::string_view pattern, std::string_view name) {
    std::size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
    while (n < name.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = n;
        } else if (p < pattern.size() && pattern[p] == name[n]) {
            ++p;
            ++n;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            n = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

}  // namespace

class ConditionParser {
  public:
    ConditionParser(std::string_view text, const std::vector<std::string>& identifiers,
                    Condition& out)
        : text_(text), identifiers_(identifiers), out_(out) {}

    core::Result<std::uint32_t> parse() {
        if (auto t = tokenize(); !t) return t.error();
        auto root = parse_or();
        if (!root) return root;
        if (peek().kind == Token::Kind::kPipe) {
            return error(
                "aggregation ('| count() ...') is obsolete Sigma; write a correlation rule");
        }
        if (peek().kind != Token::Kind::kEnd) {
            return error(fmt::format("unexpected '{}'", peek().text));
        }
        return root;
    }

  private:
    core::Result<void> tokenize() {
        std::size_t i = 0;
        while (i < text_.size()) {
            const char c = text_[i];
            if (std::isspace(static_cast<unsigned char>(c))) {
                ++i;
            } else if (c == '(' || c == ')' || c == '|') {
                tokens_.push_back({c == '('   ? Token::Kind::kOpen
                                   : c == ')' ? Token::Kind::kClose
                                              : Token::Kind::kPipe,
                                   text_.substr(i, 1), i});
                ++i;
            } else if (ident_char(c)) {
                const std::size_t start = i;
                while (i < text_.size() && ident_char(text_[i])) ++i;
                tokens_.push_back({Token::Kind::kIdent, text_.substr(start, i - start), start});
            } else {
                if (std::any_of(tokens_.begin(), tokens_.end(),
                                [](const Token& t) { return t.kind == Token::Kind::kPipe; })) {
                    return fail_at(i,
                                   "aggregation ('| count() ...') is obsolete Sigma; write a "
                                   "correlation rule");
                }
                return fail_at(i, fmt::format("unexpected character '{}'", c));
            }
        }
        tokens_.push_back({Token::Kind::kEnd, {}, text_.size()});
        return {};
    }

    const Token& peek() const { return tokens_[next_]; }
    const Token& take() { return tokens_[next_ < tokens_.size() - 1 ? next_++ : next_]; }
    bool peek_word(std::string_view w) const {
        return peek().kind == Token::Kind::kIdent && equals_word(peek().text, w);
    }

    core::Error fail_at(std::size_t column, std::string message) const {
        return core::fail(core::ErrorCode::kParse, fmt::format("condition '{}': {} (at column {})",
                                                               text_, message, column + 1));
    }

    core::Error error(std::string message) const {
        return fail_at(next_ < tokens_.size() ? tokens_[next_].offset : text_.size(),
                       std::move(message));
    }

    std::uint32_t add(ConditionNode::Kind kind, std::vector<std::uint32_t> operands) {
        out_.nodes_.push_back({kind, std::move(operands)});
        return static_cast<std::uint32_t>(out_.nodes_.size() - 1);
    }

    core::Result<std::uint32_t> parse_binary(bool is_or) {
        auto first = is_or ? parse_binary(false) : parse_not();
        if (!first) return first;
        std::vector<std::uint32_t> operands{*first};
        while (peek_word(is_or ? "or" : "and")) {
            take();
            auto next = is_or ? parse_binary(false) : parse_not();
            if (!next) return next;
            operands.push_back(*next);
        }
        if (operands.size() == 1) return operands[0];
        return add(is_or ? ConditionNode::Kind::kOr : ConditionNode::Kind::kAnd,
                   std::move(operands));
    }
    core::Result<std::uint32_t> parse_or() { return parse_binary(true); }

    core::Result<std::uint32_t> parse_not() {
        if (++depth_ > 200) return error("nested too deeply");
        core::Result<std::uint32_t> result = 0u;
        if (peek_word("not")) {
            take();
            auto inner = parse_not();
            if (!inner) return inner;
            result = add(ConditionNode::Kind::kNot, {*inner});
        } else {
            result = parse_primary();
        }
        --depth_;
        return result;
    }

    core::Result<std::uint32_t> parse_primary() {
        const Token& t = peek();
        switch (t.kind) {
            case Token::Kind::kOpen: {
                take();
                auto inner = parse_or();
                if (!inner) return inner;
                if (peek().kind != Token::Kind::kClose) return error("missing ')'");
                take();
                return inner;
            }
            case Token::Kind::kPipe:
                return error(
                    "aggregation ('| count() ...') is obsolete Sigma; write a correlation rule");
            case Token::Kind::kClose:
                return error("unexpected ')'");
            case Token::Kind::kEnd:
                return error("expression expected");
            case Token::Kind::kIdent:
                break;
        }
        const bool one = t.text == "1" || equals_word(t.text, "any");
        const bool all = equals_word(t.text, "all");
        if ((one || all) && next_ + 1 < tokens_.size() &&
            tokens_[next_ + 1].kind == Token::Kind::kIdent &&
            equals_word(tokens_[next_ + 1].text, "of")) {
            take();
            take();
            const Token& target = peek();
            if (target.kind != Token::Kind::kIdent)
                return error("identifier pattern expected after 'of'");
            take();
            std::vector<std::uint32_t> matched;
            const bool them = equals_word(target.text, "them");
            // `_`-prefixed identifiers are helpers by convention (and where pySigma puts the
            // filters it adds to a rule): `them` and any pattern not itself starting with `_`
            // leave them out, as pySigma does; `1 of *` must not pull them in.
            const bool underscore = !them && target.text.starts_with('_');
            for (std::size_t i = 0; i < identifiers_.size(); ++i) {
                const std::string& id = identifiers_[i];
                if (id.starts_with('_') && !underscore) continue;
                if (them || pattern_matches(target.text, id)) {
                    matched.push_back(static_cast<std::uint32_t>(i));
                }
            }
            if (matched.empty()) {
                return error(fmt::format("'{}' matches no search identifier", target.text));
            }
            return add(one ? ConditionNode::Kind::kOneOf : ConditionNode::Kind::kAllOf,
                       std::move(matched));
        }
        if (equals_word(t.text, "near")) return error("'near' is obsolete Sigma");
        if (equals_word(t.text, "and") || equals_word(t.text, "or") || equals_word(t.text, "of")) {
            return error(fmt::format("'{}' without an operand", t.text));
        }
        take();
        const auto it = std::find(identifiers_.begin(), identifiers_.end(), t.text);
        if (it == identifiers_.end()) {
            --next_;
            return error(fmt::format("unknown search identifier '{}'", t.text));
        }
        return add(ConditionNode::Kind::kSelection,
                   {static_cast<std::uint32_t>(it - identifiers_.begin())});
    }

    std::string_view text_;
    const std::vector<std::string>& identifiers_;
    Condition& out_;
    std::vector<Token> tokens_;
    std::size_t next_ = 0;
    int depth_ = 0;
};

core::Result<Condition> Condition::parse(std::string_view text,
                                         const std::vector<std::string>& identifiers) {
    Condition c;
    ConditionParser parser(text, identifiers, c);
    auto root = parser.parse();
    if (!root) return root.error();
    c.root_ = *root;
    return c;
}

core::Result<Condition> Condition::parse_any(const std::vector<std::string>& texts,
                                             const std::vector<std::string>& identifiers) {
    if (texts.empty()) return core::fail(core::ErrorCode::kParse, "empty condition");
    if (texts.size() == 1) return parse(texts[0], identifiers);
    Condition c;
    std::vector<std::uint32_t> roots;
    for (const std::string& t : texts) {
        ConditionParser parser(t, identifiers, c);
        auto root = parser.parse();
        if (!root) return root.error();
        roots.push_back(*root);
    }
    c.nodes_.push_back({ConditionNode::Kind::kOr, std::move(roots)});
    c.root_ = static_cast<std::uint32_t>(c.nodes_.size() - 1);
    return c;
}

std::vector<std::uint32_t> Condition::referenced() const {
    std::vector<std::uint32_t> out;
    for (const ConditionNode& n : nodes_) {
        if (n.kind == ConditionNode::Kind::kSelection || n.kind == ConditionNode::Kind::kOneOf ||
            n.kind == ConditionNode::Kind::kAllOf) {
            out.insert(out.end(), n.operands.begin(), n.operands.end());
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace vigie::sigma
