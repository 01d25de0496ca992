// core/result.hpp - Result<T>: a value or an Error, shaped like C++23 std::expected.
//
//   core::Result<int> parse(std::string_view s);
//   auto r = parse("12");
//   if (!r) return r.error();          // an Error converts into any Result<U>
//   use(*r);
//
// Build failures with core::fail(code, message) or core::Error{...}.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include "core/error.hpp"

namespace vigie::core {

template <typename T>
class [[nodiscard]] Result {
  public:
    using value_type = T;

    Result(const T& value) : state_(std::in_place_index<0>, value) {}
    Result(T&& value) : state_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

    bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & {
        assert(has_value());
        return std::get<0>(state_);
    }
    const T& value() const& {
        assert(has_value());
        return std::get<0>(state_);
    }
    T&& value() && {
        assert(has_value());
        return std::get<0>(std::move(state_));
    }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const& {
        assert(!has_value());
        return std::get<1>(state_);
    }
    Error&& error() && {
        assert(!has_value());
        return std::get<1>(std::move(state_));
    }

    template <typename U>
    T value_or(U&& fallback) const& {
        return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
    }

  private:
    std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
  public:
    using value_type = void;

    Result() = default;
    Result(Error error) : error_(std::move(error)), failed_(true) {}

    bool has_value() const noexcept { return !failed_; }
    explicit operator bool() const noexcept { return has_value(); }
    const Error& error() const& {
        assert(failed_);
        return error_;
    }
    Error&& error() && {
        assert(failed_);
        return std::move(error_);
    }

  private:
    Error error_;
    bool failed_ = false;
};

/// An Error with a code and a message; the location can be filled in later.
inline Error fail(ErrorCode code, std::string message, Location location = {}) {
    return Error{code, std::move(message), std::move(location)};
}

}  // namespace vigie::core
