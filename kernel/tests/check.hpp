// A minimal test harness for the kernel's unit tests: CHECK, CHECK_NEAR and
// CHECK_THROWS record failures with file and line; main() returns non-zero
// if any check failed. Kept dependency-free so the kernel builds anywhere.
#pragma once

#include <cmath>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

namespace check {

inline int& failures() {
    static int count = 0;
    return count;
}
inline int& checks() {
    static int count = 0;
    return count;
}

inline void record(bool ok, const char* expr, const char* file, int line, const std::string& detail = {}) {
    ++checks();
    if (ok) return;
    ++failures();
    std::cerr << file << ":" << line << ": FAILED " << expr;
    if (!detail.empty()) std::cerr << " (" << detail << ")";
    std::cerr << "\n";
}

struct Case {
    const char* name;
    std::function<void()> body;
};
inline std::vector<Case>& cases() {
    static std::vector<Case> all;
    return all;
}
struct Register {
    Register(const char* name, std::function<void()> body) { cases().push_back({name, std::move(body)}); }
};

inline int run_all() {
    for (const auto& c : cases()) {
        const int before = failures();
        try {
            c.body();
        } catch (const std::exception& e) {
            ++failures();
            std::cerr << c.name << ": unexpected exception: " << e.what() << "\n";
        }
        std::cout << (failures() == before ? "ok    " : "FAIL  ") << c.name << "\n";
    }
    std::cout << checks() << " checks, " << failures() << " failed\n";
    return failures() == 0 ? 0 : 1;
}

}  // namespace check

#define CHECK_CAT2(a, b) a##b
#define CHECK_CAT(a, b) CHECK_CAT2(a, b)
#define TEST_CASE(name)                                                              \
    static void CHECK_CAT(test_fn_, __LINE__)();                                     \
    static check::Register CHECK_CAT(test_reg_, __LINE__)(name, CHECK_CAT(test_fn_, __LINE__)); \
    static void CHECK_CAT(test_fn_, __LINE__)()
#define CHECK(expr) check::record(static_cast<bool>(expr), #expr, __FILE__, __LINE__)
#define CHECK_MSG(expr, detail) check::record(static_cast<bool>(expr), #expr, __FILE__, __LINE__, detail)
#define CHECK_NEAR(a, b, tol)                                                                        \
    do {                                                                                             \
        const double check_a_ = (a), check_b_ = (b);                                                 \
        check::record(std::fabs(check_a_ - check_b_) <= (tol), #a " ~= " #b, __FILE__, __LINE__,     \
                      std::to_string(check_a_) + " vs " + std::to_string(check_b_));                 \
    } while (0)
// Checks that `expr` throws std::invalid_argument whose message contains `needle`.
#define CHECK_THROWS(expr, needle)                                                                   \
    do {                                                                                             \
        bool check_thrown_ = false;                                                                  \
        std::string check_msg_;                                                                      \
        try {                                                                                        \
            (void)(expr);                                                                            \
        } catch (const std::invalid_argument& e) {                                                   \
            check_thrown_ = true;                                                                    \
            check_msg_ = e.what();                                                                   \
        }                                                                                            \
        check::record(check_thrown_ && check_msg_.find(needle) != std::string::npos,                 \
                      #expr " throws '" needle "'", __FILE__, __LINE__, check_msg_);                 \
    } while (0)
#define TEST_MAIN() \
    int main() { return check::run_all(); }
