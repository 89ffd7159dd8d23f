// Declared option fields: an Options struct names each of its fields once, in a `Visit` member,
// and everything that needs the field list (validation, cache keys, listings, the conformance
// kit's perturbations) is generated from it, so that none of them can drift from the struct.
// This is Drake's Serialize/DRAKE_NVP idea with Ceres-style messages.
//
// Usage:
//   struct MyOptions {
//     double alpha = 1.0;
//     SizeGrid sizes = SizeGrid::Log(1e3, 1e6, 10);   // any type with IsValid(&error), ToString()
//     int seeds = 8;
//     ProbeOptions probe;                              // a struct with its own Visit
//
//     template <typename Fields>
//     void Visit(Fields& f) {
//       f.Both("alpha", alpha).Above(0).AtMost(20);     // shapes curves and profile
//       f.Design("sizes", sizes);                       // which runs exist, not what one gives
//       f.Design("seeds", seeds).AtLeast(1);
//       f.Profile("probe", probe);                      // shapes the profile only
//     }
//     bool IsValid(std::string* error) const { return ValidateFields(*this, error); }
//   };
//   ValidateFields(options, &error);                   // "alpha = 0 must be > 0"
//   FieldKeyText(options, {FieldRole::kCurve, FieldRole::kBoth});   // "alpha=1;..."
//
// Roles say what a field shapes (harness/targets/target.h explains how the harness keys runs and
// profiles by them). Structs that are not target options (probe options) use the role-free
// `f.Field(...)`; nested under a role, their fields take that role.
//
// WARNING: every data member of a struct with `Visit` must be visited, in declaration order;
// `CountAggregateMembers` lets a test check the count (the target conformance kit does).
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace scalebench {

enum class FieldRole {
  kPlain,    // no role of its own: takes the role of the struct it is nested in
  kCurve,    // shapes what a training run gives (part of every run's cache key)
  kProfile,  // shapes the measured profile only (part of the profile's cache key)
  kBoth,     // shapes runs and profile (e.g. a data source's parameters)
  kDesign,   // decides which runs exist (size grids, seed counts), not what one run gives
};
inline const char* ToString(FieldRole role) {
  switch (role) {
    case FieldRole::kPlain:
      return "plain";
    case FieldRole::kCurve:
      return "curve";
    case FieldRole::kProfile:
      return "profile";
    case FieldRole::kBoth:
      return "both";
    case FieldRole::kDesign:
      return "design";
  }
  return "unknown";
}

// Receives what each constraint of a field requires and whether the value meets it.
class FieldSink {
 public:
  virtual ~FieldSink() = default;
  virtual void Constraint(const std::string& field, bool ok, const std::string& requirement) = 0;
};

namespace fields_internal {

template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {};

}  // namespace fields_internal

// Canonical text of a field value, used in messages, cache keys and listings. Doubles print as
// the shortest text that reads back to the same double, so distinct values give distinct text.
template <typename T>
std::string FieldValueText(const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else if constexpr (std::is_arithmetic_v<T>) {
    return fmt::format("{}", value);
  } else if constexpr (std::is_enum_v<T>) {
    return ToString(value);  // found by argument-dependent lookup
  } else if constexpr (std::is_convertible_v<T, std::string>) {
    return std::string(value);
  } else if constexpr (requires { value.ToString(); }) {
    return value.ToString();
  } else if constexpr (fields_internal::IsVector<T>::value) {
    std::string text;
    for (std::size_t i = 0; i < value.size(); ++i) {
      text += (i > 0 ? "," : "") + FieldValueText(value[i]);
    }
    return text;
  } else {
    static_assert(sizeof(T) == 0, "FieldValueText: unsupported field type");
  }
}

// The constraints of one field, chained after the visit call. Each records its requirement with
// the sink (if any); an unmet one reads "<field> = <value> must be <requirement>".
template <typename T>
class FieldCheck {
 public:
  FieldCheck(std::string name, const T* value, FieldSink* sink)
      : name_(std::move(name)), value_(value), sink_(sink) {}

  FieldCheck& AtLeast(T bound) { return Require(*value_ >= bound, ">= " + FieldValueText(bound)); }
  FieldCheck& Above(T bound) { return Require(*value_ > bound, "> " + FieldValueText(bound)); }
  FieldCheck& AtMost(T bound) { return Require(*value_ <= bound, "<= " + FieldValueText(bound)); }
  FieldCheck& Below(T bound) { return Require(*value_ < bound, "< " + FieldValueText(bound)); }
  FieldCheck& Finite() { return Require(std::isfinite(double(*value_)), "finite"); }
  FieldCheck& NotEmpty() { return Require(!value_->empty(), "non-empty"); }
  FieldCheck& OneOf(std::initializer_list<T> allowed) {
    bool found = false;
    std::string list;
    for (const T& a : allowed) {
      found = found || *value_ == a;
      list += (list.empty() ? "" : ", ") + FieldValueText(a);
    }
    return Require(found, "one of " + list);
  }
  // A constraint of its own: `requirement` completes "<field> = <value> must be ...".
  FieldCheck& Check(bool ok, const std::string& requirement) { return Require(ok, requirement); }

 private:
  FieldCheck& Require(bool ok, const std::string& requirement) {
    if (sink_ != nullptr) sink_->Constraint(name_, ok, FieldValueText(*value_) + "|" + requirement);
    return *this;
  }

  std::string name_;
  const T* value_;
  FieldSink* sink_;
};

template <typename T>
concept SelfValidating = requires(const T& value, std::string* error) {
  { value.IsValid(error) } -> std::convertible_to<bool>;
  { value.ToString() } -> std::convertible_to<std::string>;
};

// Walks a struct's Visit, calling OnLeaf(name, role, value) for each leaf field and recursing into
// nested structs that have a Visit. Derived visitors supply OnLeaf (CRTP); `sink` receives the
// constraints.
template <typename Derived>
class FieldWalker {
 public:
  template <typename T>
  FieldCheck<T> Field(const char* name, T& value) {
    return Visit(name, FieldRole::kPlain, value);
  }
  template <typename T>
  FieldCheck<T> Curve(const char* name, T& value) {
    return Visit(name, FieldRole::kCurve, value);
  }
  template <typename T>
  FieldCheck<T> Profile(const char* name, T& value) {
    return Visit(name, FieldRole::kProfile, value);
  }
  template <typename T>
  FieldCheck<T> Both(const char* name, T& value) {
    return Visit(name, FieldRole::kBoth, value);
  }
  template <typename T>
  FieldCheck<T> Design(const char* name, T& value) {
    return Visit(name, FieldRole::kDesign, value);
  }

  // Visits the fields of `options` as if nested under `prefix` with `role`.
  template <typename T>
  void Walk(T& options, const std::string& prefix = "", FieldRole role = FieldRole::kPlain) {
    const std::string saved_prefix = prefix_;
    const FieldRole saved_role = role_;
    prefix_ = prefix;
    role_ = role;
    options.Visit(static_cast<Derived&>(*this));
    prefix_ = saved_prefix;
    role_ = saved_role;
  }

  int top_level_fields() const { return top_level_fields_; }

 protected:
  FieldSink* sink_ = nullptr;

 private:
  template <typename T>
  FieldCheck<T> Visit(const char* name, FieldRole role, T& value) {
    if (prefix_.empty()) ++top_level_fields_;
    const std::string full = prefix_ + name;
    const FieldRole effective = role == FieldRole::kPlain ? role_ : role;
    if constexpr (requires(Derived & d) { value.Visit(d); }) {
      Walk(value, full + ".", effective);
      return FieldCheck<T>(full, &value, nullptr);
    } else {
      static_cast<Derived&>(*this).OnLeaf(full, effective, value);
      return FieldCheck<T>(full, &value, sink_);
    }
  }

  std::string prefix_;
  FieldRole role_ = FieldRole::kPlain;
  int top_level_fields_ = 0;
};

// First failed constraint, or the first self-validating value (SizeGrid) that is invalid.
class FieldValidator : public FieldWalker<FieldValidator>, private FieldSink {
 public:
  FieldValidator() { sink_ = this; }
  template <typename T>
  void OnLeaf(const std::string& name, FieldRole, const T& value) {
    if constexpr (SelfValidating<T>) {
      std::string error;
      if (error_.empty() && !value.IsValid(&error)) error_ = name + ": " + error;
    }
  }
  const std::string& error() const { return error_; }

 private:
  void Constraint(const std::string& field, bool ok, const std::string& requirement) override {
    if (ok || !error_.empty()) return;
    const auto bar = requirement.find('|');
    error_ = field + " = " + requirement.substr(0, bar) + " must be " + requirement.substr(bar + 1);
  }
  std::string error_;
};

// "name=value;" for every leaf whose role is one of `roles`, in visit order.
class FieldKeyWriter : public FieldWalker<FieldKeyWriter> {
 public:
  explicit FieldKeyWriter(std::vector<FieldRole> roles) : roles_(std::move(roles)) {}
  template <typename T>
  void OnLeaf(const std::string& name, FieldRole role, const T& value) {
    for (FieldRole r : roles_) {
      if (r == role) {
        text_ += name + "=" + FieldValueText(value) + ";";
        return;
      }
    }
  }
  const std::string& text() const { return text_; }

 private:
  std::vector<FieldRole> roles_;
  std::string text_;
};

// One leaf field for listings: name, role, value and the requirements it is checked against.
struct FieldListing {
  std::string name;
  FieldRole role = FieldRole::kPlain;
  std::string value;
  std::vector<std::string> requirements;  // "> 0", "<= 20"
};

class FieldLister : public FieldWalker<FieldLister>, private FieldSink {
 public:
  FieldLister() { sink_ = this; }
  template <typename T>
  void OnLeaf(const std::string& name, FieldRole role, const T& value) {
    fields_.push_back({name, role, FieldValueText(value), {}});
  }
  const std::vector<FieldListing>& fields() const { return fields_; }

 private:
  void Constraint(const std::string& field, bool, const std::string& requirement) override {
    for (auto it = fields_.rbegin(); it != fields_.rend(); ++it) {
      if (it->name == field) {
        it->requirements.push_back(requirement.substr(requirement.find('|') + 1));
        return;
      }
    }
  }
  std::vector<FieldListing> fields_;
};

// Changes the leaf number `index` (in visit order) to a nearby different value: the next double
// up (or down), an integer +1 (or -1), a flipped bool, a string with "_x" appended, a grid or a
// vector with one more element, the next (or previous) enumerator. `attempt` 0 and 1 choose the
// direction. An enum value whose ToString is unchanged or "unknown" (past the last enumerator) is
// not a change (changed() stays false); enum classes hold any value of their underlying type, and
// the target is only asked for its keys and designs, never trained.
class FieldPerturber : public FieldWalker<FieldPerturber> {
 public:
  FieldPerturber(int index, int attempt) : index_(index), attempt_(attempt) {}
  template <typename T>
  void OnLeaf(const std::string& name, FieldRole role, const T& value) {
    if (seen_++ != index_) return;
    name_ = name;
    role_ = role;
    T& v = const_cast<T&>(value);
    const bool up = attempt_ == 0;
    if constexpr (std::is_same_v<T, bool>) {
      v = !v;
      changed_ = true;
    } else if constexpr (std::is_floating_point_v<T>) {
      v = std::nextafter(v, up ? HUGE_VAL : -HUGE_VAL);
      changed_ = true;
    } else if constexpr (std::is_integral_v<T>) {
      v = up ? v + 1 : v - 1;
      changed_ = true;
    } else if constexpr (std::is_enum_v<T>) {
      using Underlying = std::underlying_type_t<T>;
      const T next = static_cast<T>(static_cast<Underlying>(v) + (up ? 1 : -1));
      const std::string text = FieldValueText(next);
      if (text != FieldValueText(v) && text != "unknown") {
        v = next;
        changed_ = true;
      }
    } else if constexpr (std::is_convertible_v<T, std::string>) {
      v = std::string(v) + (up ? "_x" : "_y");
      changed_ = true;
    } else if constexpr (requires {
                           v.back();
                           v.values();
                         }) {  // SizeGrid
      auto sizes = v.values();
      if (up || sizes.size() < 2) {
        sizes.push_back(sizes.empty() ? 1 : sizes.back() + 1);
      } else {
        sizes.pop_back();
      }
      v = T(std::move(sizes));
      changed_ = true;
    } else if constexpr (fields_internal::IsVector<T>::value) {
      if (up || v.empty()) {
        v.push_back(v.empty() ? typename T::value_type{} : v.back());
      } else {
        v.pop_back();
      }
      changed_ = true;
    }
  }
  bool changed() const { return changed_; }
  const std::string& name() const { return name_; }
  FieldRole role() const { return role_; }
  int leaves() const { return seen_; }

 private:
  int index_;
  int attempt_;
  int seen_ = 0;
  bool changed_ = false;
  std::string name_;
  FieldRole role_ = FieldRole::kPlain;
};

// Validates every declared constraint of `options`; false with the first failure in *error.
template <typename T>
bool ValidateFields(const T& options, std::string* error) {
  FieldValidator validator;
  validator.Walk(const_cast<T&>(options));
  if (validator.error().empty()) return true;
  if (error != nullptr) *error = validator.error();
  return false;
}

template <typename T>
std::string FieldKeyText(const T& options, std::vector<FieldRole> roles) {
  FieldKeyWriter writer(std::move(roles));
  writer.Walk(const_cast<T&>(options));
  return writer.text();
}

template <typename T>
std::vector<FieldListing> ListFields(const T& options) {
  FieldLister lister;
  lister.Walk(const_cast<T&>(options));
  return lister.fields();
}

// Number of direct data members of an aggregate (C++20: the largest N for which T{x1..xN}
// compiles with arguments convertible to anything), for the check that Visit names them all.
namespace fields_internal {
struct AnyField {
  template <typename U>
  operator U() const;
};
template <typename T, typename... A>
constexpr int CountFrom() {
  if constexpr (requires { T{A{}..., AnyField{}}; }) {
    return CountFrom<T, A..., AnyField>();
  } else {
    return sizeof...(A);
  }
}
}  // namespace fields_internal

template <typename T>
constexpr int CountAggregateMembers() {
  static_assert(std::is_aggregate_v<T>, "options structs must be aggregates");
  return fields_internal::CountFrom<T>();
}

// The number of top-level fields `Visit` names.
template <typename T>
int CountVisitedFields(const T& options) {
  FieldLister lister;
  lister.Walk(const_cast<T&>(options));
  return lister.top_level_fields();
}

}  // namespace scalebench
