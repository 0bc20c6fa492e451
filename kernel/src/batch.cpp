#include "aipower/batch.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include "aipower/dc_power.hpp"
#include "aipower/errors.hpp"
#include "aipower/fpmath.hpp"
#include "aipower/units.hpp"

// Loops over lanes: every iteration is one scenario, independent of the others,
// so the loop may be vectorised whatever the compiler proves about aliasing
// (OpenMP SIMD pragmas only, enabled by CMake where the compiler has them; no
// OpenMP runtime). Vectorising across iterations keeps each lane's operations
// and their order.
#if defined(AIPOWER_OPENMP_SIMD)
#define AIPOWER_SIMD _Pragma("omp simd")
#define AIPOWER_PRAGMA(text) _Pragma(#text)
#define AIPOWER_SIMD_REDUCE(clause) AIPOWER_PRAGMA(omp simd reduction(clause))
#else
#define AIPOWER_SIMD
#define AIPOWER_SIMD_REDUCE(clause)
#endif

namespace aipower::batch {

namespace {

using series::Method;
using supply::Source;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMaxHours = units::kMaxHoursPerYear;
// Bounds of the loss/own-use factor (as in balance.cpp).
constexpr double kMinLossFactor = -0.5;
constexpr double kMaxLossFactor = 1.0;
// Probe level of the renewable solve and its tolerance (as in renewables.cpp).
constexpr double kProbeLevel = 100.0;
constexpr double kLevelTolerance = 1e-9;
// Scenarios per unit of work handed to a thread.
constexpr std::size_t kWorkUnit = 256;
// Scenarios the lean path evaluates at once (the lanes of every loop): a
// multiple of any vector width, small enough for a block's working set to stay
// in the L1/L2 caches.
constexpr std::size_t kLanes = 32;

// dst[c][r] = src[r][c] for r < rows, c < cols: scenarios' values into lane rows and
// lane rows into scenarios' outputs. In 4×4 tiles of four-double vectors where the
// compiler has vector extensions (GCC, Clang; inlined into each clone of lean_lanes,
// so AVX2's shuffles where the CPU has them), an element at a time elsewhere and at
// the edges.
inline void transpose(const double* const* src, std::size_t rows, std::size_t cols, double* const* dst) {
    std::size_t r0 = 0, c0 = 0;
#if defined(__GNUC__)
    using V = double __attribute__((vector_size(32)));
#if defined(__clang__)
#define AIPOWER_SHUFFLE(a, b, i, j, k, l) __builtin_shufflevector(a, b, i, j, k, l)
#else
    using M = long long __attribute__((vector_size(32)));
#define AIPOWER_SHUFFLE(a, b, i, j, k, l) __builtin_shuffle(a, b, M{i, j, k, l})
#endif
    for (r0 = 0; r0 + 4 <= rows; r0 += 4)
        for (c0 = 0; c0 + 4 <= cols; c0 += 4) {
            V a0, a1, a2, a3;  // memcpy: the rows need not be aligned
            std::memcpy(&a0, src[r0] + c0, sizeof(V));
            std::memcpy(&a1, src[r0 + 1] + c0, sizeof(V));
            std::memcpy(&a2, src[r0 + 2] + c0, sizeof(V));
            std::memcpy(&a3, src[r0 + 3] + c0, sizeof(V));
            const V t0 = AIPOWER_SHUFFLE(a0, a1, 0, 4, 2, 6), t1 = AIPOWER_SHUFFLE(a0, a1, 1, 5, 3, 7);
            const V t2 = AIPOWER_SHUFFLE(a2, a3, 0, 4, 2, 6), t3 = AIPOWER_SHUFFLE(a2, a3, 1, 5, 3, 7);
            const V d0 = AIPOWER_SHUFFLE(t0, t2, 0, 1, 4, 5), d1 = AIPOWER_SHUFFLE(t1, t3, 0, 1, 4, 5);
            const V d2 = AIPOWER_SHUFFLE(t0, t2, 2, 3, 6, 7), d3 = AIPOWER_SHUFFLE(t1, t3, 2, 3, 6, 7);
            std::memcpy(dst[c0] + r0, &d0, sizeof(V));
            std::memcpy(dst[c0 + 1] + r0, &d1, sizeof(V));
            std::memcpy(dst[c0 + 2] + r0, &d2, sizeof(V));
            std::memcpy(dst[c0 + 3] + r0, &d3, sizeof(V));
        }
#undef AIPOWER_SHUFFLE
#endif
    // The edges: columns past the last whole tile in the tiled rows, then the rows past them.
    for (std::size_t r = 0; r < r0; ++r)
        for (std::size_t c = c0; c < cols; ++c) dst[c][r] = src[r][c];
    for (std::size_t r = r0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c) dst[c][r] = src[r][c];
}

// What a bound value must satisfy before the model is run with it (the checks
// the kernel applies to that input); anything else is checked where it is used.
enum class Pred : std::uint8_t { None, Finite, Rate, Positive, NonNegative, Share, HoursRange, LossFactor };

// Each predicate as the closed range [lo, hi] a finite value must lie in: a
// strict bound v > b is v >= the next double above b. One form for all, so the
// check of a bound slot's lanes is a single vectorised loop.
struct Range {
    double lo, hi;
};
Range range_of(Pred p) {
    constexpr double kMax = std::numeric_limits<double>::max();
    const auto above = [](double b) { return std::nextafter(b, std::numeric_limits<double>::infinity()); };
    switch (p) {
        case Pred::None: return {-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
        case Pred::Finite: return {-kMax, kMax};
        case Pred::Rate: return {above(-1.0), kMax};
        case Pred::Positive: return {above(0.0), kMax};
        case Pred::NonNegative: return {0.0, kMax};
        case Pred::Share: return {0.0, 1.0};
        case Pred::HoursRange: return {0.0, kMaxHours};
        case Pred::LossFactor: return {kMinLossFactor, kMaxLossFactor};
    }
    return {0.0, -1.0};
}

// Nodes of the model a bound slot belongs to (what must be recomputed when it varies).
// (Plain int constants: a node is an offset plus a row or source index.)
constexpr int kPop = 0;
constexpr int kRow0 = 1;  // 6 driven rows, demand::Inputs order
constexpr int kCap0 = kRow0 + 6;  // 7 sources
constexpr int kHours0 = kCap0 + supply::kSourceCount;
constexpr int kYear0 = kHours0 + supply::kSourceCount;  // inputs of the base-year hours (hours starts, calibration totals)
constexpr int kEvShare = kYear0 + 1;
constexpr int kOther = kEvShare + 1;  // balance and target inputs: always recomputed
constexpr int kNodeCount = kOther + 1;

// Driven rows in demand::Inputs order, and their position in demand::row_names().
enum DrivenRow { kPrimary = 0, kSecondary, kTertiaryCore, kResidentialCore, kEv, kDc, kDrivenRows };
constexpr int kRowOut[kDrivenRows] = {0, 1, 2, 6, 3, 4};
constexpr const char* kRowNames[kDrivenRows] = {"primary", "secondary", "tertiary_core", "residential_core", "ev_charging",
                                                "data_centers"};
constexpr int kDemandRows = 10;
enum AggregateRow { kTertiaryOut = 5, kResidentialOut = 7, kTotalOut = 8, kGrowthOut = 9 };

demand::RowSpec& row_spec(demand::Inputs& d, int r) {
    demand::RowSpec* rows[kDrivenRows] = {&d.primary, &d.secondary, &d.tertiary_core, &d.residential_core, &d.ev_charging,
                                          &d.data_centers};
    return *rows[r];
}
const demand::RowSpec& row_spec(const demand::Inputs& d, int r) { return row_spec(const_cast<demand::Inputs&>(d), r); }

std::size_t idx(int s) { return static_cast<std::size_t>(s); }

struct Seg {
    Method method = Method::Growth;
    int slot = 0;     // first value slot
    int nvalues = 0;  // 1, or one per year of the segment
    int span = 1;     // years in the segment
    int ref = 0;      // index of the reference year (cagr, change)
    int cagr_exp = 0; // aim year - ref_year
};

// One projected year of a compiled series: what series::project does in it.
struct Step {
    enum Kind : std::uint8_t { Anchor, Growth, Glide, Increment, Pipeline, Constant } kind = Anchor;
    bool start = false;     // constant-growth methods fix their rate in this year
    Method method = Method::Growth;  // for Constant: cagr, change or target
    int value = 0;          // slot of the year's value (v[0], or v[k] for per-year lists)
    int value2 = 0;         // glide: slot of `to`
    int ref = 0;            // cagr, change: index of the reference year
    int exponent = 0;       // cagr: aim year - ref_year
    double t = 0.0;         // glide position (as series::project computes it)
    double span = 1.0;      // pipeline: years in the segment
    double inverse_remaining = 1.0;  // 1.0 / (aim year - year + 1), the exponent of the constant rate
};

// A series compiled against the horizon: which segment drives each year.
struct CSeries {
    std::vector<Seg> segs;
    std::vector<Step> steps;       // per year index (element 0 unused)
    std::vector<char> anchored;    // the year is pinned by an anchor
};

// Kinds of binding.
enum class BKind {
    RowStart, RowSegment, SectorTotal, PopStart, PopSegment, EvShare, CapPrevious, CapStart, CapSegment, CapRetirements,
    HoursStart, HoursSegment, NetImports, LossFactor, CalCoalHours, CalWindSolar, CalRenewable, TargetShare, TargetWind,
    RouteCapexPerWatt, RouteTwhPerGw, RouteEnergyPerFlop
};

struct Binding {
    std::string name;
    BKind kind = BKind::RowStart;
    int index = 0;    // row, source or sector
    int segment = 0;  // segment index
    int value = 0;    // value index within the segment
    std::vector<int> slots;
};

// Output layout.
struct OutSpec {
    std::size_t offset = 0;  // into the State
    std::size_t width = 0;
};

std::vector<std::string> split(const std::string& name) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto dot = name.find('.', start);
        parts.push_back(name.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return parts;
}

// The source a name's token names; an unknown one fails naming the whole name, so the message says
// which output or binding was wrong ("hours.nope"), not only the token.
std::size_t source_in(const std::string& argument, const std::string& name, const std::string& token) {
    const int s = supply::find_source(token);
    if (s < 0) fail(argument, "'" + name + "': " + supply::not_a_source(token));
    return static_cast<std::size_t>(s);
}

// "segments[3]" → ("segments", 3); "rate" → ("rate", -1). Returns false if malformed.
bool indexed(const std::string& token, std::string& head, int& index) {
    const auto open = token.find('[');
    if (open == std::string::npos) {
        head = token;
        index = -1;
        return true;
    }
    if (token.back() != ']' || open + 2 > token.size() - 1) return false;
    const std::string digits = token.substr(open + 1, token.size() - open - 2);
    if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos) return false;
    head = token.substr(0, open);
    index = std::stoi(digits);
    return true;
}

const char* field_names(Method m) {
    switch (m) {
        case Method::Growth: return "rate";
        case Method::Glide: return "from, to";
        case Method::Increment: return "value";
        case Method::Pipeline: return "total";
        case Method::Cagr: return "rate";
        case Method::Change: return "change";
        case Method::Target: return "value";
    }
    return "?";
}

// The value index a segment field names, or throws.
int field_value(const std::string& binding, const series::Segment& seg, const std::string& token) {
    std::string field;
    int at = -1;
    if (!indexed(token, field, at)) fail(binding, "malformed field '" + token + "'");
    const auto m = seg.method;
    const auto wrong = [&] {
        fail(binding, "a " + series::method_name(m) + " segment has the field(s) " + field_names(m) + ", not '" + field + "'");
    };
    if (m == Method::Glide) {
        if (at >= 0) wrong();
        if (field == "from") return 0;
        if (field == "to") return 1;
        wrong();
    }
    const bool ok = (field == "rate" && (m == Method::Growth || m == Method::Cagr)) ||
                    (field == "value" && (m == Method::Increment || m == Method::Target)) ||
                    (field == "total" && m == Method::Pipeline) || (field == "change" && m == Method::Change);
    if (!ok) wrong();
    const auto n = static_cast<int>(seg.values.size());
    if (at < 0) {
        if (n != 1)
            fail(binding, "the segment has one value per year (" + std::to_string(n) + "): bind one of them, e.g. " +
                              field + "[0]");
        return 0;
    }
    if (at >= n) fail(binding, static_cast<double>(at), "an index below " + std::to_string(n));
    return at;
}

Pred segment_pred(Method m) {
    switch (m) {
        case Method::Growth: case Method::Glide: case Method::Cagr: case Method::Change: return Pred::Rate;
        case Method::Increment: case Method::Pipeline: return Pred::Finite;
        case Method::Target: return Pred::Positive;
    }
    return Pred::Finite;
}

}  // namespace

int resolve_threads(int requested) {
    if (requested < 0 || requested > kMaxThreads)
        fail("threads", requested, "0 (every core) or a count in 1-" + std::to_string(kMaxThreads));
    if (requested > 0) return requested;
    const unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1 : static_cast<int>(hw);
}

// The lean path over kLanes scenarios (defined after Model::Impl).
void lean_lanes(const Model::Impl& m, const double* values, std::size_t n, double* out, Model::Workspace& w);

struct Model::Impl {
    // Unique in the process (an address could be reused by a later model): tags its workspaces.
    const std::uint64_t id = [] {
        static std::atomic<std::uint64_t> next{1};
        return next.fetch_add(1);
    }();
    china::Inputs base;
    china::Inputs leveled;  // base with the level segment (when a target is set)
    DataCenterRoute route;
    int route_slots[3] = {-1, -1, -1};  // capex per watt, TWh per GW-year, energy-per-FLOP change
    bool route_bound = false;

    // The data-center path of a route with these values (the same kernel call as the Python route).
    std::vector<double> route_path(double start, double cpw, double twh, double flop) const {
        if (route.kind == DataCenterRoute::Kind::Capex)
            return dc_power::capex_driven_path(start, route.capex_yi_rmb, cpw, twh, route.first_year_fraction);
        return dc_power::compute_driven_path(start, route.eflops, flop);
    }
    int T = 0;
    bool target = false;
    int target_index = 0;

    // Slots: every scalar the lean path reads.
    std::vector<double> slots;
    std::vector<Pred> preds;
    std::vector<int> owners;
    int add_slot(double v, Pred p, int owner) {
        slots.push_back(v);
        preds.push_back(p);
        owners.push_back(owner);
        return static_cast<int>(slots.size()) - 1;
    }

    // Series: population, 6 rows, 7 capacities, 2 leveled capacities (wind, solar), 7 hours.
    CSeries pop, rows[kDrivenRows], cap[supply::kSourceCount], level_cap[2], hours[supply::kSourceCount];
    int pop_start = -1;
    std::vector<double> pop_anchor;
    int row_start[kDrivenRows] = {};
    std::vector<double> row_anchor[kDrivenRows];  // given anchors (NaN where none)
    int sector_total[2] = {-1, -1};                // slots of tertiary/residential total start (-1: none)
    std::vector<double> sector_anchor[2];          // total anchors (NaN where none)
    int ev_share = -1;
    int cap_prev[supply::kSourceCount] = {}, cap_start[supply::kSourceCount] = {};
    int cap_ret[supply::kSourceCount] = {};  // first of T slots, or -1 (no retirements)
    bool zero_retirements[supply::kSourceCount] = {};  // all zero and not bound
    std::vector<double> cap_anchor[supply::kSourceCount];
    int hours_start[supply::kSourceCount] = {};
    int net_imports = 0;  // first of T slots
    int loss_factor = 0, cal_coal = 0, cal_ws = 0, cal_re = 0;
    double hydro_reported_average = 0.0;
    int target_share = 0, target_wind = 0;
    int level_slot[2] = {0, 0};  // increment of the level segment (wind, solar): written per scenario

    std::vector<Binding> bindings;
    std::vector<std::string> binding_names;
    std::vector<std::string> output_names;
    std::vector<std::size_t> output_widths;
    std::vector<std::size_t> output_columns;  // the state offset of each output column, in output order
    std::size_t width = 0;

    bool vary[kNodeCount] = {};
    bool vary_demand = false;
    bool probe_paths_vary = false;
    bool base_hours_vary = false;  // the base-year hours of every source (else the base's)
    bool loss_factor_varies = false;  // given, or calibrated on base-year values
    // The balance sums the other sources' generation in source order; the leading sources whose
    // generation does not vary (those before first_varying_other) add up to the base's sum.
    int first_varying_other = 1;
    mutable std::vector<double> others_prefix;  // per year, written by the base evaluation
    mutable std::vector<double> probe_paths;  // written only by the base evaluation at construction: wind, solar at level 0, then at the probe level (when they do not vary)

    // State layout (offsets into one flat buffer).
    std::size_t o_pop = 0, o_rows = 0, o_cap = 0, o_avg = 0, o_add = 0, o_hours = 0, o_gen = 0, o_req = 0, o_share = 0,
                o_wsadd = 0, o_level = 0, o_loss = 0, o_scratch = 0, state_size = 0;
    std::vector<double> base_state;
    // Results that only outputs read (no later step, no check): the lean path
    // skips them unless an output asks for them.
    bool want_growth = false, want_share = false, want_wsadd = false;
    bool want_add[supply::kSourceCount] = {};

    // ---- compilation -------------------------------------------------------
    CSeries compile_series(const std::vector<series::Segment>& segments, const std::vector<int>& seg_slot,
                           const std::set<int>& anchor_years) const {
        CSeries c;
        const int first = base.years.first;
        for (std::size_t j = 0; j < segments.size(); ++j) {
            const auto& s = segments[j];
            Seg g;
            g.method = s.method;
            g.slot = seg_slot[j];
            g.nvalues = static_cast<int>(s.values.size());
            g.span = s.last_year - s.first_year + 1;
            g.ref = s.ref_year - first;
            g.cagr_exp = series::aim(s) - s.ref_year;
            c.segs.push_back(g);
        }
        c.steps.assign(idx(T), Step{});
        c.anchored.assign(idx(T), 0);
        for (int i = 1; i < T; ++i) {
            const int year = first + i;
            Step& st = c.steps[idx(i)];
            if (anchor_years.count(year)) {
                c.anchored[idx(i)] = 1;
                st.kind = Step::Anchor;
                continue;
            }
            int found = -1;
            for (std::size_t j = 0; j < segments.size() && found < 0; ++j)
                if (year >= segments[j].first_year && year <= segments[j].last_year) found = static_cast<int>(j);
            if (found < 0) fail("batch", "year " + std::to_string(year) + " is not covered by a segment");
            const auto& s = segments[idx(found)];
            const Seg& g = c.segs[idx(found)];
            const int k = year - s.first_year;
            const int span = s.last_year - s.first_year + 1;
            st.method = s.method;
            const bool per_year = (s.method == Method::Growth || s.method == Method::Increment) && g.nvalues != 1;
            st.value = g.slot + (per_year ? k : 0);
            st.value2 = g.slot + 1;
            st.ref = g.ref;
            st.exponent = g.cagr_exp;
            st.t = span == 1 ? 1.0 : static_cast<double>(k) / (span - 1);
            st.span = span;
            st.inverse_remaining = 1.0 / (series::aim(s) - year + 1);
            st.start = (year == std::max(s.first_year, first + 1)) || anchor_years.count(year - 1) != 0;
            switch (s.method) {
                case Method::Growth: st.kind = Step::Growth; break;
                case Method::Glide: st.kind = Step::Glide; break;
                case Method::Increment: st.kind = Step::Increment; break;
                case Method::Pipeline: st.kind = Step::Pipeline; break;
                default: st.kind = Step::Constant; break;
            }
        }
        return c;
    }

    std::vector<int> segment_slots(const std::vector<series::Segment>& segments, int owner) {
        std::vector<int> out;
        for (const auto& s : segments) {
            out.push_back(static_cast<int>(slots.size()));
            for (double v : s.values) add_slot(v, segment_pred(s.method), owner);
        }
        return out;
    }

    static std::set<int> years_of(const std::map<int, double>& m) {
        std::set<int> out;
        for (const auto& kv : m) out.insert(kv.first);
        return out;
    }
    std::vector<double> per_year(const std::map<int, double>& m) const {
        std::vector<double> out(idx(T), kNaN);
        for (const auto& [year, v] : m) out[idx(year - base.years.first)] = v;
        return out;
    }

    void compile() {
        base.demand.years = base.years;
        T = base.years.count();
        const auto& d = base.demand;
        // Population.
        pop_start = add_slot(d.population_start, Pred::Positive, kPop);
        pop = compile_series(d.population_segments, segment_slots(d.population_segments, kPop), years_of(d.population_anchors));
        pop_anchor = per_year(d.population_anchors);
        // Rows.
        const double totals[2] = {d.tertiary_total_start, d.residential_total_start};
        const std::map<int, double>* total_anchors[2] = {&d.tertiary_total_anchors, &d.residential_total_anchors};
        ev_share = add_slot(d.ev_tertiary_share, Pred::Share, kEvShare);
        for (int r = 0; r < kDrivenRows; ++r) {
            const auto& spec = row_spec(d, r);
            row_start[r] = add_slot(spec.start_value, Pred::NonNegative, kRow0 + r);
            auto anchors = spec.anchors;
            const int sector = r == kTertiaryCore ? 0 : r == kResidentialCore ? 1 : -1;
            if (sector >= 0 && !std::isnan(totals[sector])) {
                sector_total[sector] = add_slot(totals[sector], Pred::Positive, kRow0 + r);
                sector_anchor[sector] = per_year(*total_anchors[sector]);
                for (const auto& kv : *total_anchors[sector]) anchors[kv.first] = kNaN;  // derived per scenario
            }
            rows[r] = compile_series(spec.segments, segment_slots(spec.segments, kRow0 + r), years_of(anchors));
            row_anchor[r] = per_year(spec.anchors);
        }
        // Capacity.
        for (int s = 0; s < supply::kSourceCount; ++s) {
            const auto& c = base.capacity[idx(s)];
            cap_prev[s] = add_slot(c.previous_end, Pred::NonNegative, kCap0 + s);
            cap_start[s] = add_slot(c.start_end, Pred::NonNegative, kCap0 + s);
            cap_ret[s] = -1;
            if (!c.retirements.empty()) {
                cap_ret[s] = static_cast<int>(slots.size());
                for (double v : c.retirements) add_slot(v, Pred::NonNegative, kCap0 + s);
            }
            cap[s] = compile_series(c.additions, segment_slots(c.additions, kCap0 + s), years_of(c.anchors));
            cap_anchor[s] = per_year(c.anchors);
        }
        // Hours.
        for (int s = 0; s < supply::kSourceCount; ++s) {
            const auto& h = base.hours[idx(s)];
            hours_start[s] = add_slot(h.start, Pred::Finite, kYear0);
            if (s == supply::Coal) continue;
            hours[s] = compile_series(h.segments, segment_slots(h.segments, kHours0 + s), {});
        }
        // Balance, calibration, target.
        net_imports = static_cast<int>(slots.size());
        for (double v : base.net_imports) add_slot(v, Pred::Finite, kOther);
        loss_factor = add_slot(base.calibration.loss_factor, Pred::LossFactor, kOther);
        cal_coal = add_slot(base.calibration.coal_hours, Pred::HoursRange, kOther);
        cal_ws = add_slot(base.calibration.wind_solar_generation, Pred::Finite, kYear0);
        cal_re = add_slot(base.calibration.renewable_generation, Pred::Finite, kYear0);
        hydro_reported_average = 0.5 * (base.calibration.hydro_reported_previous_end + base.calibration.hydro_reported_start_end);
        route_slots[0] = add_slot(route.capex_per_watt_rmb, Pred::None, kRow0 + kDc);
        route_slots[1] = add_slot(route.twh_per_gw_year, Pred::None, kRow0 + kDc);
        route_slots[2] = add_slot(route.energy_per_flop_change, Pred::None, kRow0 + kDc);
        target = base.target.enabled;
        target_share = add_slot(base.target.share, Pred::Share, kOther);
        target_wind = add_slot(base.target.wind_fraction, Pred::Share, kOther);
        if (target) {
            target_index = base.target.year - base.years.first;
            leveled = base;
            china::check_linear_solve(base, base.target);  // the two-probe solve below is exact only then
            china::apply_level(leveled, base.target, 0.0);
            const Source ws[2] = {supply::Wind, supply::Solar};
            for (int w = 0; w < 2; ++w) {
                const auto& orig = base.capacity[idx(ws[w])].additions;
                const auto& segs = leveled.capacity[idx(ws[w])].additions;
                const auto orig_slots = [&] {  // the slots of the original segments, in order
                    std::vector<int> out;
                    for (const auto& seg : cap[ws[w]].segs) out.push_back(seg.slot);
                    return out;
                }();
                std::vector<int> seg_slot;
                for (std::size_t j = 0; j < segs.size(); ++j) {
                    const auto& s = segs[j];
                    if (j + 1 == segs.size()) {  // the level segment
                        level_slot[w] = add_slot(0.0, Pred::None, kOther);
                        seg_slot.push_back(level_slot[w]);
                        continue;
                    }
                    int found = -1;
                    for (std::size_t o = 0; o < orig.size(); ++o)
                        if (orig[o].first_year == s.first_year && orig[o].last_year == s.last_year && orig[o].method == s.method)
                            found = static_cast<int>(o);
                    if (found >= 0) {
                        seg_slot.push_back(orig_slots[idx(found)]);  // kept whole: the same (bindable) values
                    } else {                                          // a part cut by the target years: fixed
                        seg_slot.push_back(static_cast<int>(slots.size()));
                        for (double v : s.values) add_slot(v, segment_pred(s.method), kOther);
                    }
                }
                level_cap[w] = compile_series(segs, seg_slot, years_of(leveled.capacity[idx(ws[w])].anchors));
            }
        }
    }

    void layout() {
        const auto Tn = idx(T);
        std::size_t at = 0;
        const auto take = [&](std::size_t n) {
            const auto o = at;
            at += n;
            return o;
        };
        o_pop = take(Tn);
        o_rows = take(kDemandRows * Tn);
        o_cap = take(supply::kSourceCount * Tn);
        o_avg = take(supply::kSourceCount * Tn);
        o_add = take(supply::kSourceCount * Tn);
        o_hours = take(supply::kSourceCount * Tn);
        o_gen = take(supply::kSourceCount * Tn);
        o_req = take(Tn);
        o_share = take(Tn);
        o_wsadd = take(Tn);
        o_level = take(1);
        o_loss = take(1);
        o_scratch = take(5 * Tn);  // 2 leveled paths, anchors (derived or per capita), per-capita path, retirements
        state_size = at;
    }

    void add_output(const std::string& name) {
        const auto parts = split(name);
        const auto Tn = idx(T);
        const auto source_of = [&](const std::string& s) { return source_in("output", name, s); };
        OutSpec o;
        o.width = Tn;
        const auto unknown = [&]() {
            fail("output", "'" + name + "' is not an output; expected demand.<row>, population, capacity.<source>, "
                                       "additions.<source>, generation.<source>, generation.required, hours.<source>, "
                                       "re_share.non_hydro_share, re_share.wind_solar_additions, requirement.level or loss_factor");
        };
        if (parts.size() == 1 && parts[0] == "population") {
            o.offset = o_pop;
        } else if (parts.size() == 1 && parts[0] == "loss_factor") {
            o.offset = o_loss;
            o.width = 1;
        } else if (parts.size() != 2) {
            unknown();
        } else if (parts[0] == "demand") {
            const auto& names = demand::row_names();
            const auto it = std::find(names.begin(), names.end(), parts[1]);
            if (it == names.end()) {
                std::string list;
                for (const auto& row : names) list += (list.empty() ? "" : ", ") + row;
                fail("output", "'" + name + "': '" + parts[1] + "' is not a demand row; expected one of " + list);
            }
            o.offset = o_rows + static_cast<std::size_t>(it - names.begin()) * Tn;
            want_growth = want_growth || it - names.begin() == kGrowthOut;
        } else if (parts[0] == "capacity") {
            o.offset = o_cap + source_of(parts[1]) * Tn;
        } else if (parts[0] == "additions") {
            o.offset = o_add + source_of(parts[1]) * Tn;
            want_add[source_of(parts[1])] = true;
        } else if (parts[0] == "generation") {
            o.offset = parts[1] == "required" ? o_req : o_gen + source_of(parts[1]) * Tn;
        } else if (parts[0] == "hours") {
            o.offset = o_hours + source_of(parts[1]) * Tn;
        } else if (parts[0] == "re_share" && parts[1] == "non_hydro_share") {
            o.offset = o_share;
            want_share = true;
        } else if (parts[0] == "re_share" && parts[1] == "wind_solar_additions") {
            o.offset = o_wsadd;
            want_wsadd = want_add[supply::Wind] = want_add[supply::Solar] = true;
        } else if (parts[0] == "requirement" && parts[1] == "level") {
            if (!target) fail("output", "'requirement.level' needs a renewable target (renewables.mode = 'target')");
            o.offset = o_level;
            o.width = 1;
        } else {
            unknown();
        }
        if (std::find(output_names.begin(), output_names.end(), name) != output_names.end())
            fail("output", "'" + name + "' is listed twice");
        output_names.push_back(name);
        output_widths.push_back(o.width);
        width += o.width;
        for (std::size_t k = 0; k < o.width; ++k) output_columns.push_back(o.offset + k);
    }

    // ---- bindings ----------------------------------------------------------
    void add_binding(const std::string& name) {
        for (const auto& b : bindings)
            if (b.name == name) fail("binding", "'" + name + "' is listed twice");
        const auto parts = split(name);
        Binding b;
        b.name = name;
        const auto unknown = [&]() -> void {
            fail("binding", "'" + name + "' is not an input the batch can vary; expected e.g. demand.<row>.start, "
                                         "demand.<row>.segments[i].<field>, supply.<source>.additions[i].<field>, "
                                         "hours.<source>.segments[i].<field>, renewables.target_share (sweep.uncertain_inputs(scenario) shows a scenario's)");
        };
        const auto seg_binding = [&](const std::vector<series::Segment>& segs, const std::vector<Seg>& compiled,
                                     const std::string& token, const std::string& field) {
            std::string head;
            int at = -1;
            if (!indexed(token, head, at) || at < 0) unknown();
            if (at >= static_cast<int>(segs.size()))
                fail(name, static_cast<double>(at), "a segment index below " + std::to_string(segs.size()));
            b.segment = at;
            b.value = field_value(name, segs[idx(at)], field);
            b.slots = {compiled[idx(at)].slot + b.value};
        };
        const auto& d = base.demand;
        if (parts.size() < 2) unknown();
        const std::string& area = parts[0];
        if (area == "demand") {
            if (parts.size() == 2 && parts[1] == "ev_tertiary_share") {
                b.kind = BKind::EvShare;
                b.slots = {ev_share};
            } else if (parts.size() == 2 && (parts[1] == "tertiary_total_start" || parts[1] == "residential_total_start")) {
                b.kind = BKind::SectorTotal;
                b.index = parts[1] == "tertiary_total_start" ? 0 : 1;
                if (sector_total[b.index] < 0) fail(name, "the base has no published sector total (the core row starts from its own value)");
                b.slots = {sector_total[b.index]};
            } else if (parts[1] == "population" && parts.size() >= 3) {
                if (parts.size() == 3 && parts[2] == "start") {
                    b.kind = BKind::PopStart;
                    b.slots = {pop_start};
                } else if (parts.size() == 4 && parts[2].rfind("segments[", 0) == 0) {
                    b.kind = BKind::PopSegment;
                    seg_binding(d.population_segments, pop.segs, parts[2], parts[3]);
                } else {
                    unknown();
                }
            } else {
                int r = -1;
                for (int i = 0; i < kDrivenRows; ++i)
                    if (parts[1] == kRowNames[i]) r = i;
                if (r < 0 || parts.size() < 3) unknown();
                b.index = r;
                const auto& spec = row_spec(d, r);
                if (!spec.path.empty()) fail(name, "the row is driven by a given path (data-center route), not by a start and segments");
                if (parts.size() == 3 && parts[2] == "start") {
                    const int sector = r == kTertiaryCore ? 0 : r == kResidentialCore ? 1 : -1;
                    if (sector >= 0 && sector_total[sector] >= 0)
                        fail(name, std::string("the start is derived from the published sector total: bind demand.") +
                                       (sector == 0 ? "tertiary" : "residential") + "_total_start");
                    b.kind = BKind::RowStart;
                    b.slots = {row_start[r]};
                } else if (parts.size() == 4 && parts[2].rfind("segments[", 0) == 0) {
                    b.kind = BKind::RowSegment;
                    seg_binding(spec.segments, rows[r].segs, parts[2], parts[3]);
                } else {
                    unknown();
                }
            }
        } else if (area == "supply" && parts.size() >= 3) {
            const int s = static_cast<int>(source_in("binding", name, parts[1]));
            b.index = s;
            if (parts.size() == 3 && parts[2] == "previous_end") {
                b.kind = BKind::CapPrevious;
                b.slots = {cap_prev[s]};
            } else if (parts.size() == 3 && parts[2] == "start") {
                b.kind = BKind::CapStart;
                b.slots = {cap_start[s]};
            } else if (parts.size() == 3 && parts[2] == "retirements") {
                b.kind = BKind::CapRetirements;
                if (cap_ret[s] < 0) fail(name, "the base has no retirements list for this source");
                for (int i = 1; i < T; ++i) b.slots.push_back(cap_ret[s] + i);  // element 0 (the start year) is unused
            } else if (parts.size() == 4 && parts[2].rfind("additions[", 0) == 0) {
                b.kind = BKind::CapSegment;
                seg_binding(base.capacity[idx(s)].additions, cap[s].segs, parts[2], parts[3]);
                if (target && (s == supply::Wind || s == supply::Solar)) {
                    const auto& seg = base.capacity[idx(s)].additions[idx(b.segment)];
                    if (!(seg.last_year < base.target.first_year || seg.first_year > base.target.last_year))
                        fail(name, "this segment overlaps " + std::to_string(base.target.first_year) + "-" +
                                       std::to_string(base.target.last_year) +
                                       ", where the renewable-target solve sets wind and solar additions (vary "
                                       "renewables.target_share instead)");
                }
            } else {
                unknown();
            }
        } else if (area == "hours" && parts.size() >= 3) {
            const int s = static_cast<int>(source_in("binding", name, parts[1]));
            b.index = s;
            if (s == supply::Coal) fail(name, "coal hours are the model's result, not an input");
            if (parts.size() == 3 && parts[2] == "start") {
                const auto base_kind = base.hours[idx(s)].base;
                if (base_kind == china::HoursBase::SolarFromWindSolar || base_kind == china::HoursBase::ResidualOfRenewables)
                    fail(name, "not used: this source's base-year hours are calibrated on published generation");
                b.kind = BKind::HoursStart;
                b.slots = {hours_start[s]};
            } else if (parts.size() == 4 && parts[2].rfind("segments[", 0) == 0) {
                b.kind = BKind::HoursSegment;
                seg_binding(base.hours[idx(s)].segments, hours[s].segs, parts[2], parts[3]);
            } else {
                unknown();
            }
        } else if (area == "balance" && parts.size() == 2 && parts[1] == "net_imports") {
            b.kind = BKind::NetImports;
            for (int i = 0; i < T; ++i) b.slots.push_back(net_imports + i);
        } else if (area == "balance" && parts.size() == 2 && parts[1] == "loss_factor") {
            if (std::isnan(base.calibration.loss_factor))
                fail(name, "the base calibrates the loss factor (set balance.loss_factor_mode = 'fixed' to vary it)");
            b.kind = BKind::LossFactor;
            b.slots = {loss_factor};
        } else if (area == "calibration" && parts.size() == 2 && parts[1] == "coal_hours") {
            b.kind = BKind::CalCoalHours;
            b.slots = {cal_coal};
        } else if (area == "calibration" && parts.size() == 2 && parts[1] == "wind_solar_generation") {
            b.kind = BKind::CalWindSolar;
            b.slots = {cal_ws};
        } else if (area == "calibration" && parts.size() == 2 && parts[1] == "renewable_generation") {
            b.kind = BKind::CalRenewable;
            b.slots = {cal_re};
        } else if (area == "dc_power" && parts.size() == 2 &&
                   (parts[1] == "capex_per_watt_rmb" || parts[1] == "twh_per_gw_year" || parts[1] == "energy_per_flop_change")) {
            const bool capex = parts[1] != "energy_per_flop_change";
            const auto wanted = capex ? DataCenterRoute::Kind::Capex : DataCenterRoute::Kind::Compute;
            if (route.kind != wanted)
                fail(name, std::string("varies the data-center row only when it is driven by ") +
                               (capex ? "capex" : "compute") + " (demand.data_centers.driver = '" +
                               (capex ? "capex" : "compute") + "')");
            b.kind = parts[1] == "capex_per_watt_rmb" ? BKind::RouteCapexPerWatt
                     : parts[1] == "twh_per_gw_year"  ? BKind::RouteTwhPerGw
                                                      : BKind::RouteEnergyPerFlop;
            const int which = parts[1] == "capex_per_watt_rmb" ? 0 : parts[1] == "twh_per_gw_year" ? 1 : 2;
            b.slots = {route_slots[which]};
        } else if (area == "renewables" && parts.size() == 2 && (parts[1] == "target_share" || parts[1] == "wind_fraction")) {
            if (!target) fail(name, "the base has no renewable target (renewables.mode = 'fixed')");
            b.kind = parts[1] == "target_share" ? BKind::TargetShare : BKind::TargetWind;
            b.slots = {parts[1] == "target_share" ? target_share : target_wind};
        } else {
            unknown();
        }
        bindings.push_back(b);
        binding_names.push_back(name);
    }

    void apply(china::Inputs& in, const Binding& b, double v) const {
        auto& d = in.demand;
        switch (b.kind) {
            case BKind::RowStart: row_spec(d, b.index).start_value = v; break;
            case BKind::RowSegment: row_spec(d, b.index).segments[idx(b.segment)].values[idx(b.value)] = v; break;
            case BKind::SectorTotal: (b.index == 0 ? d.tertiary_total_start : d.residential_total_start) = v; break;
            case BKind::PopStart: d.population_start = v; break;
            case BKind::PopSegment: d.population_segments[idx(b.segment)].values[idx(b.value)] = v; break;
            case BKind::EvShare: d.ev_tertiary_share = v; break;
            case BKind::CapPrevious: in.capacity[idx(b.index)].previous_end = v; break;
            case BKind::CapStart: in.capacity[idx(b.index)].start_end = v; break;
            case BKind::CapSegment: in.capacity[idx(b.index)].additions[idx(b.segment)].values[idx(b.value)] = v; break;
            case BKind::CapRetirements:
                for (std::size_t i = 1; i < in.capacity[idx(b.index)].retirements.size(); ++i) in.capacity[idx(b.index)].retirements[i] = v;
                break;
            case BKind::HoursStart: in.hours[idx(b.index)].start = v; break;
            case BKind::HoursSegment: in.hours[idx(b.index)].segments[idx(b.segment)].values[idx(b.value)] = v; break;
            case BKind::NetImports: std::fill(in.net_imports.begin(), in.net_imports.end(), v); break;
            case BKind::LossFactor: in.calibration.loss_factor = v; break;
            case BKind::CalCoalHours: in.calibration.coal_hours = v; break;
            case BKind::CalWindSolar: in.calibration.wind_solar_generation = v; break;
            case BKind::CalRenewable: in.calibration.renewable_generation = v; break;
            case BKind::TargetShare: in.target.share = v; break;
            case BKind::TargetWind: in.target.wind_fraction = v; break;
            case BKind::RouteCapexPerWatt: case BKind::RouteTwhPerGw: case BKind::RouteEnergyPerFlop: break;  // see inputs_for
        }
    }

    // Whether source s's generation differs from the base's (coal's always does: the residual).
    bool generation_varies(int s) const {
        const bool by_level = target && (s == supply::Wind || s == supply::Solar);
        return s == supply::Coal || by_level || vary[kCap0 + s] || vary[kHours0 + s];
    }

    void find_varying() {
        for (const auto& b : bindings)
            for (int s : b.slots) vary[owners[idx(s)]] = true;
        int capex_bound = 0;
        for (const auto& b : bindings) {
            if (b.kind == BKind::RouteCapexPerWatt || b.kind == BKind::RouteTwhPerGw) ++capex_bound;
            if (b.kind == BKind::RouteCapexPerWatt || b.kind == BKind::RouteTwhPerGw || b.kind == BKind::RouteEnergyPerFlop)
                route_bound = true;
        }
        if (capex_bound == 1) {  // named by the input bound, so a sweep can say which scenario line it is
            for (std::size_t j = 0; j < bindings.size(); ++j) {
                if (bindings[j].kind != BKind::RouteCapexPerWatt && bindings[j].kind != BKind::RouteTwhPerGw) continue;
                const bool per_watt = bindings[j].kind == BKind::RouteCapexPerWatt;
                fail(binding_names[j], std::string("varied alone: vary ") +
                                           (per_watt ? "dc_power.twh_per_gw_year" : "dc_power.capex_per_watt_rmb") +
                                           " with it (each scenario's data-center path is one capex route at one "
                                           "capex per watt and one TWh per GW-year)");
            }
        }
        const auto per_capita = [&](int r) { return row_spec(base.demand, r).driver == demand::Driver::PerCapita; };
        for (int r = 0; r < kDrivenRows; ++r)
            if (per_capita(r) && vary[kPop]) vary[kRow0 + r] = true;
        // A core row derived from its sector total reads EV charging (and data centers) in the
        // base year and in the years the total is anchored: it varies only where those do.
        const auto base_year_varies = [&](int r) {
            if (per_capita(r) && vary[kPop]) return true;
            if (r == kDc && route_bound) return true;  // the route's path is recomputed as a whole
            for (const auto& b : bindings)
                if (b.kind == BKind::RowStart && b.index == r) return true;
            return false;
        };
        for (int r : {kTertiaryCore, kResidentialCore}) {
            const int sector = r == kTertiaryCore ? 0 : 1;
            if (sector_total[sector] < 0) continue;
            const bool later_anchors = std::any_of(sector_anchor[sector].begin() + 1, sector_anchor[sector].end(),
                                                   [](double a) { return !std::isnan(a); });
            const auto part_varies = [&](int part) {
                return base_year_varies(part) || (later_anchors && vary[kRow0 + part]);
            };
            if (vary[kEvShare] || part_varies(kEv) || (r == kTertiaryCore && part_varies(kDc))) vary[kRow0 + r] = true;
        }
        if (per_capita(kTertiaryCore) && vary[kPop]) vary[kRow0 + kTertiaryCore] = true;
        if (per_capita(kResidentialCore) && vary[kPop]) vary[kRow0 + kResidentialCore] = true;
        // Base-year hours depend on the base-year capacities (previous_end, start), not on later additions.
        base_hours_vary = vary[kYear0];
        for (const auto& b : bindings)
            if (b.kind == BKind::CapPrevious || b.kind == BKind::CapStart) base_hours_vary = true;
        for (int s = 0; s < supply::kSourceCount; ++s)
            if (base_hours_vary) vary[kHours0 + s] = true;
        // The wind and solar paths at level 0 and at the probe level change only with wind and solar inputs.
        for (const auto& b : bindings)
            if (b.kind == BKind::TargetWind) probe_paths_vary = true;
        probe_paths_vary = probe_paths_vary || vary[kCap0 + supply::Wind] || vary[kCap0 + supply::Solar];
        for (int s = 0; s < supply::kSourceCount; ++s) {
            zero_retirements[s] = cap_ret[s] >= 0;
            for (int i = 0; cap_ret[s] >= 0 && i < T; ++i)
                if (slots[idx(cap_ret[s] + i)] != 0.0) zero_retirements[s] = false;
            for (const auto& b : bindings)
                if (b.kind == BKind::CapRetirements && b.index == s) zero_retirements[s] = false;
        }
        // The loss factor: given, or calibrated on the base year's demand, generation and imports.
        loss_factor_varies = base_hours_vary || route_bound;
        for (const auto& b : bindings)
            switch (b.kind) {
                case BKind::LossFactor: case BKind::CalCoalHours: case BKind::NetImports: case BKind::RowStart:
                case BKind::SectorTotal: case BKind::PopStart: case BKind::EvShare:
                    loss_factor_varies = true;
                    break;
                default: break;
            }
        first_varying_other = 1;
        while (first_varying_other < supply::kSourceCount && !generation_varies(first_varying_other)) ++first_varying_other;
        vary_demand = vary[kPop] || vary[kEvShare];
        for (int r = 0; r < kDrivenRows; ++r) vary_demand = vary_demand || vary[kRow0 + r];
    }

    // ---- the lean path -----------------------------------------------------
    // Evaluates L scenarios at once. Every value of the state and every slot is
    // a row of L lanes (x[k * L + lane]), so each step of the model is a loop
    // over lanes that the compiler vectorises. Each lane performs exactly the
    // floating-point operations china::run performs, in the same order (the
    // kernel is built without floating-point contraction: see CMakeLists.txt),
    // so its results equal china::run's bit for bit. Where china::run would
    // throw, the lane is flagged in `bad` and the caller evaluates it through
    // china::run itself for the exact message. Nothing stops early: a flagged
    // lane computes on with meaningless values that are never read.
    // A lane's flag is a double (0: fine, 1: a check failed), set by a select:
    // that keeps the loops vectorisable on every x86-64 (SSE2 has no 64-bit
    // integer compares).
    using Flag = double;
    static void check(double& bad, bool ok) { bad = ok ? bad : 1.0; }
    static constexpr double kMaxDouble = std::numeric_limits<double>::max();

    // Per-lane temporaries (each L wide): the constant growth factor of the series being
    // projected and its target, a start value, the two probe shares, the level, a check value
    // and a broadcast level.
    enum Temp { kFactor = 0, kTarget, kStart, kAtZero, kAtProbe, kLevel, kCheck, kConstLevel, kTemps };

    // One year of a projected series: x = value(l) (+ the year's adjustment), checked in
    // the same loop as series::project checks it (x in [0, most]; `most` below the largest
    // double adds the caller's own upper bound, so that the values are read once).
    // Scaled: value(l) is the previous value (checked >= 0) times a factor >= 0 (1 + a rate
    // > -1, checked where bound; a power >= 0), so x < 0 is impossible without an
    // adjustment and x <= most alone is checked (it fails for NaN as well).
    template <int L, bool Scaled = false, class Value>
    static void step(double* xi, const double* adjust, Flag* bad, double most, Value value) {
        if (adjust != nullptr) {
            AIPOWER_SIMD
            for (int l = 0; l < L; ++l) {
                double x = value(l);
                x += adjust[l];
                xi[l] = x;
                check(bad[l], x >= 0.0 && x <= most);
            }
        } else {
            AIPOWER_SIMD
            for (int l = 0; l < L; ++l) {
                const double x = value(l);
                xi[l] = x;
                check(bad[l], (Scaled || x >= 0.0) && x <= most);
            }
        }
    }

    // out[l] = fpmath::pow(x(l), y) for every lane: its fast path vectorised, and the rare lane
    // outside it (NaN) through fpmath::pow itself, which hands it to std::pow.
    template <int L, class Base>
    static void pow_lanes(Base x, double y, double* out) {
        AIPOWER_SIMD
        for (int l = 0; l < L; ++l) out[l] = fpmath::detail::pow_or_nan(x(l), y);
        double nan_lanes = 0.0;  // counted in a loop of its own: inside the one above it keeps pow scalar
        AIPOWER_SIMD_REDUCE(+ : nan_lanes)
        for (int l = 0; l < L; ++l) nan_lanes += out[l] != out[l] ? 1.0 : 0.0;
        if (nan_lanes == 0.0) return;  // the usual case: every lane on the fast path
        for (int l = 0; l < L; ++l)
            if (out[l] != out[l]) out[l] = fpmath::pow(x(l), y);
    }

    // Mirrors series::project. `start_checked`: the caller knows the start lies in [0, most]
    // (a bound slot checked as a start, a base value, or checked where derived).
    template <int L>
    void project(const CSeries& c, const double* slot, const double* start, const double* anchor, bool lane_anchor,
                 const double* adjust, double* x, double* tmp, Flag* bad, double most = kMaxDouble,
                 bool start_checked = false) const {
        double* factor = tmp + kFactor * L;
        double* tmp_target = tmp + kTarget * L;
        if (!start_checked)
            AIPOWER_SIMD
            for (int l = 0; l < L; ++l) check(bad[l], start[l] >= 0.0 && start[l] <= most);
        AIPOWER_SIMD
        for (int l = 0; l < L; ++l) {
            x[l] = start[l];
            factor[l] = 1.0;
        }
        for (int i = 1; i < T; ++i) {
            const Step& st = c.steps[idx(i)];
            double* xi = x + idx(i) * L;
            const double* xp = xi - L;
            const double* v = slot + idx(st.value) * L;
            const double* adj = adjust == nullptr ? nullptr : adjust + idx(i) * L;
            switch (st.kind) {
                case Step::Anchor:
                    AIPOWER_SIMD
                    for (int l = 0; l < L; ++l) {
                        const double a = lane_anchor ? anchor[idx(i) * L + idx(l)] : anchor[idx(i)];
                        check(bad[l], a >= 0.0 && a <= most);
                        xi[l] = a;
                    }
                    break;
                case Step::Growth:
                    step<L, true>(xi, adj, bad, most, [&](int l) { return xp[l] * (1.0 + v[l]); });
                    break;
                case Step::Glide: {
                    const double* to = slot + idx(st.value2) * L;
                    const double t = st.t;
                    step<L>(xi, adj, bad, most, [&](int l) { return xp[l] * (1.0 + v[l] + (to[l] - v[l]) * t); });
                    break;
                }
                case Step::Increment:
                    step<L>(xi, adj, bad, most, [&](int l) { return xp[l] + v[l]; });
                    break;
                case Step::Pipeline: {
                    const double span = st.span;
                    step<L>(xi, adj, bad, most, [&](int l) { return xp[l] + v[l] / span; });
                    break;
                }
                default:
                    if (st.start) {
                        const double* ref = x + idx(st.ref) * L;
                        const double* target_value = v;
                        if (st.method == Method::Cagr) {
                            pow_lanes<L>([&](int l) { return 1.0 + v[l]; }, st.exponent, tmp_target);
                            AIPOWER_SIMD
                            for (int l = 0; l < L; ++l) tmp_target[l] = ref[l] * tmp_target[l];
                            target_value = tmp_target;
                        } else if (st.method == Method::Change) {
                            AIPOWER_SIMD
                            for (int l = 0; l < L; ++l) tmp_target[l] = ref[l] * (1.0 + v[l]);
                            target_value = tmp_target;
                        }
                        AIPOWER_SIMD
                        for (int l = 0; l < L; ++l) check(bad[l], xp[l] > 0.0);
                        // the factor, as series::project keeps it (1 + a rate near -1 would lose its digits)
                        pow_lanes<L>([&](int l) { return target_value[l] / xp[l]; }, st.inverse_remaining, factor);
                    }
                    step<L, true>(xi, adj, bad, most, [&](int l) { return xp[l] * factor[l]; });
                    break;
            }
        }
    }

    template <int L>
    void row(int r, double* s, double* st, double* tmp, Flag* bad) const {
        const auto Tn = idx(T);
        const auto at = [&](std::size_t offset) { return st + offset * L; };
        const auto& spec = row_spec(base.demand, r);
        double* out = at(o_rows + idx(kRowOut[r]) * Tn);
        if (!spec.path.empty()) {
            std::vector<double> routed;
            for (int l = 0; l < L; ++l) {
                const std::vector<double>* path = &spec.path;
                if (r == kDc && route_bound) {  // the route's own kernel function, per scenario
                    try {
                        routed = route_path(spec.start_value, s[idx(route_slots[0]) * L + idx(l)],
                                            s[idx(route_slots[1]) * L + idx(l)], s[idx(route_slots[2]) * L + idx(l)]);
                    } catch (const std::invalid_argument&) {
                        bad[l] = 1.0;
                        continue;
                    }
                    path = &routed;
                }
                for (std::size_t i = 0; i < Tn; ++i) {
                    check(bad[l], (*path)[i] >= 0.0);
                    out[i * L + idx(l)] = (*path)[i];
                }
            }
            return;
        }
        // Anchors: the row's own (per year), or per lane where they are derived from a sector total.
        double* lane_anchors = at(o_scratch + 2 * Tn);
        const double* anchor = row_anchor[r].data();
        bool lane_anchor = false;
        const double* start = s + idx(row_start[r]) * L;
        const int sector = r == kTertiaryCore ? 0 : r == kResidentialCore ? 1 : -1;
        if (sector >= 0 && sector_total[sector] >= 0) {
            const double* share = s + idx(ev_share) * L;
            const double* ev = at(o_rows + idx(kRowOut[kEv]) * Tn);
            const double* dc = at(o_rows + idx(kRowOut[kDc]) * Tn);
            const auto derive = [&](std::size_t i, const double* total, std::size_t total_step) {
                AIPOWER_SIMD
                for (int l = 0; l < L; ++l) {
                    const std::size_t j = i * L + idx(l);
                    const double part = sector == 0 ? share[l] * ev[j] + dc[j] : (1.0 - share[l]) * ev[j];
                    const double core = total[idx(l) * total_step] - part;
                    check(bad[l], core > 0.0);
                    lane_anchors[j] = core;
                }
            };
            derive(0, s + idx(sector_total[sector]) * L, 1);  // the start, in lane row 0
            for (std::size_t i = 1; i < Tn; ++i) {
                if (!std::isnan(sector_anchor[sector][i]))
                    derive(i, &sector_anchor[sector][i], 0);
                else
                    std::fill(lane_anchors + i * L, lane_anchors + (i + 1) * L, row_anchor[r][i]);
            }
            anchor = lane_anchors;
            lane_anchor = true;
            start = lane_anchors;
        }
        if (spec.driver == demand::Driver::Series) {
            project<L>(rows[r], s, start, anchor, lane_anchor, nullptr, out, tmp, bad, kMaxDouble, true);
            return;
        }
        // Per capita (units::twh_to_per_capita / per_capita_to_twh, same operations).
        const double* population = at(o_pop);
        if (vary[kPop])  // else the base population, which china::run accepted
            for (std::size_t i = 0; i < Tn; ++i)
                AIPOWER_SIMD
                for (int l = 0; l < L; ++l) {
                    const double p = population[i * L + idx(l)];
                    check(bad[l], std::isfinite(p) && p > 0.0);
                }
        for (std::size_t i = 1; i < Tn; ++i) {
            if (!rows[r].anchored[i]) continue;
            AIPOWER_SIMD
            for (int l = 0; l < L; ++l) {
                const std::size_t j = i * L + idx(l);
                const double a = lane_anchor ? anchor[j] : anchor[i];
                check(bad[l], std::isfinite(a));
                lane_anchors[j] = a * units::kKwhTimesMillionPerTwh / population[j];
                check(bad[l], std::isfinite(lane_anchors[j]));
            }
        }
        AIPOWER_SIMD
        for (int l = 0; l < L; ++l) lane_anchors[l] = start[l] * units::kKwhTimesMillionPerTwh / population[l];
        double* per_capita = at(o_scratch + 3 * Tn);
        project<L>(rows[r], s, lane_anchors, lane_anchors, true, nullptr, per_capita, tmp, bad);
        for (std::size_t i = 0; i < Tn; ++i)
            AIPOWER_SIMD
            for (int l = 0; l < L; ++l) {
                const std::size_t j = i * L + idx(l);
                out[j] = per_capita[j] * population[j] / units::kKwhTimesMillionPerTwh;
                check(bad[l], std::isfinite(out[j]));
            }
    }

    template <int L>
    void capacity(const CSeries& c, int s, const double* slot, double* path, double* adjust, double* tmp, Flag* bad) const {
        const double* prev = slot + idx(cap_prev[s]) * L;
        AIPOWER_SIMD
        for (int l = 0; l < L; ++l) check(bad[l], std::isfinite(prev[l]) && prev[l] >= 0.0);
        const double* adj = nullptr;
        // Retirements that are all zero and not varied only add -0.0, which leaves every value as it is.
        if (cap_ret[s] >= 0 && !zero_retirements[s]) {
            const double* ret = slot + idx(cap_ret[s]) * L;
            for (std::size_t i = 0; i < idx(T); ++i)
                AIPOWER_SIMD
                for (int l = 0; l < L; ++l) {
                    const std::size_t j = i * L + idx(l);
                    check(bad[l], std::isfinite(ret[j]) && ret[j] >= 0.0);
                    adjust[j] = -ret[j];
                }
            adj = adjust;
        }
        project<L>(c, slot, slot + idx(cap_start[s]) * L, cap_anchor[s].data(), false, adj, path, tmp, bad, kMaxDouble,
                   true);  // the start slot is checked as a start (Pred::NonNegative)
    }

    // Average capacity of source s, and its additions where `additions` (an output asks for them).
    template <int L>
    void average_and_additions(int s, const double* slot, double* st, bool additions) const {
        const auto Tn = idx(T);
        const double* path = st + (o_cap + idx(s) * Tn) * L;
        double* avg = st + (o_avg + idx(s) * Tn) * L;
        double* add = st + (o_add + idx(s) * Tn) * L;
        const double* ret = cap_ret[s] < 0 ? nullptr : slot + idx(cap_ret[s]) * L;
        for (std::size_t i = 0; i < Tn; ++i) {
            const double* before = i == 0 ? slot + idx(cap_prev[s]) * L : path + (i - 1) * L;
            AIPOWER_SIMD
            for (int l = 0; l < L; ++l) {
                const std::size_t j = i * L + idx(l);
                avg[j] = 0.5 * (before[l] + path[j]);
            }
            if (additions)
                AIPOWER_SIMD
                for (int l = 0; l < L; ++l) {
                    const std::size_t j = i * L + idx(l);
                    add[j] = path[j] - before[l] + (ret == nullptr ? 0.0 : ret[j]);
                }
        }
    }

    // balance::residual_hours and rebase_hours for one lane; false where they would throw.
    static bool residual_hours(double total, double others, double average, double& out) {
        const bool ok = std::isfinite(total) && total > 0.0 && std::isfinite(others) && others >= 0.0 &&
                        std::isfinite(average) && average > 0.0 && total - others > 0.0;
        const double residual = total - others;
        out = residual * units::kGwhPerTwh / average;
        return ok && std::isfinite(out);
    }
    static bool rebase_hours(double h, double from, double to, double& out) {
        const bool ok = std::isfinite(h) && h >= 0.0 && h <= kMaxHours && std::isfinite(from) && from > 0.0 &&
                        std::isfinite(to) && to > 0.0;
        out = h * from / to;
        return ok && std::isfinite(out) && out >= 0.0 && out <= kMaxHours;
    }

    // The base-year hours of source s (lanes), as china's project_supply computes them.
    template <int L>
    void base_hours(int s, const double* slot, const double* st, double* out, Flag* bad) const {
        const auto Tn = idx(T);
        const auto avg0 = [&](int source) { return st + (o_avg + idx(source) * Tn) * L; };
        const auto lanes = [&](int slot_index) { return slot + idx(slot_index) * L; };
        const auto& h = base.hours[idx(s)];
        // One loop per method (the switch outside the lanes, so each loop vectorises).
        switch (h.base) {
            case china::HoursBase::Given: {
                const double* given = lanes(hours_start[s]);
                AIPOWER_SIMD
                for (int l = 0; l < L; ++l) out[l] = given[l];
                return;
            }
            case china::HoursBase::SolarFromWindSolar: {
                const double* wind_hours = lanes(hours_start[supply::Wind]);
                const double* wind_gw = avg0(supply::Wind);
                const double* published = lanes(cal_ws);
                const double* average = avg0(s);
                AIPOWER_SIMD
                for (int l = 0; l < L; ++l) {
                    bool ok = std::isfinite(wind_hours[l]) && std::isfinite(wind_gw[l]);
                    const double wind = wind_gw[l] * wind_hours[l] / units::kGwhPerTwh;
                    ok = residual_hours(published[l], wind, average[l], out[l]) && ok;
                    check(bad[l], ok);
                }
                return;
            }
            case china::HoursBase::ResidualOfRenewables: {
                const bool rebase = base.hours[supply::Hydro].base == china::HoursBase::RebasedOnConventional;
                const double* hydro_start = lanes(hours_start[supply::Hydro]);
                const double* hydro_gw = avg0(supply::Hydro);
                const double* published = lanes(cal_re);
                const double* wind_solar = lanes(cal_ws);
                const double* average = avg0(s);
                AIPOWER_SIMD
                for (int l = 0; l < L; ++l) {
                    bool ok = true;
                    double hydro_hours = hydro_start[l];
                    if (rebase) ok = rebase_hours(hydro_hours, hydro_reported_average, hydro_gw[l], hydro_hours);
                    ok = ok && std::isfinite(hydro_hours);
                    const double hydro = hydro_gw[l] * hydro_hours / units::kGwhPerTwh;
                    ok = residual_hours(published[l], wind_solar[l] + hydro, average[l], out[l]) && ok;
                    check(bad[l], ok);
                }
                return;
            }
            case china::HoursBase::RebasedOnConventional: {
                const double* reported = lanes(hours_start[s]);
                const double* average = avg0(s);
                AIPOWER_SIMD
                for (int l = 0; l < L; ++l) check(bad[l], rebase_hours(reported[l], hydro_reported_average, average[l], out[l]));
                return;
            }
        }
    }

    // Wind and solar paths with a level (lanes).
    template <int L>
    void leveled_paths(const double* level, double* slot, double* st, double* wind, double* solar, double* tmp,
                       Flag* bad) const {
        const double* fraction = slot + idx(target_wind) * L;
        double* wind_per_year = slot + idx(level_slot[0]) * L;
        double* solar_per_year = slot + idx(level_slot[1]) * L;
        AIPOWER_SIMD
        for (int l = 0; l < L; ++l) {
            wind_per_year[l] = level[l] * fraction[l];
            solar_per_year[l] = level[l] * (1.0 - fraction[l]);
        }
        double* adjust = st + (o_scratch + 4 * idx(T)) * L;
        capacity<L>(level_cap[0], supply::Wind, slot, wind, adjust, tmp, bad);
        capacity<L>(level_cap[1], supply::Solar, slot, solar, adjust, tmp, bad);
    }

    // The non-hydro share in the target year with these wind and solar paths:
    // lanes, or one path for every lane (`shared`: the stored probe paths).
    template <int L>
    void share_at(const double* wind, const double* solar, bool shared, const double* st, double* out) const {
        const auto Tn = idx(T);
        const auto y = idx(target_index);
        const auto lanes = [&](std::size_t offset) { return st + offset * L; };
        const double* hw = lanes(o_hours + supply::Wind * Tn + y);
        const double* hs = lanes(o_hours + supply::Solar * Tn + y);
        const double* hb = lanes(o_hours + supply::Biomass * Tn + y);
        const double* ab = lanes(o_avg + supply::Biomass * Tn + y);
        const double* total = lanes(o_rows + kTotalOut * Tn + y);
        const auto share = [&](int l, double aw, double as) {
            double re = 0.0;
            re += aw * hw[l] / units::kGwhPerTwh;
            re += as * hs[l] / units::kGwhPerTwh;
            re += ab[l] * hb[l] / units::kGwhPerTwh;
            return re / total[l];
        };
        if (shared) {  // one average capacity for every lane (a select inside the loop would keep it scalar)
            const double aw = 0.5 * (wind[y - 1] + wind[y]);
            const double as = 0.5 * (solar[y - 1] + solar[y]);
            AIPOWER_SIMD
            for (int l = 0; l < L; ++l) out[l] = share(l, aw, as);
        } else {
            const auto w0 = (y - 1) * L, w1 = y * L;
            AIPOWER_SIMD
            for (int l = 0; l < L; ++l) out[l] = share(l, 0.5 * (wind[w0 + idx(l)] + wind[w1 + idx(l)]),
                                                       0.5 * (solar[w0 + idx(l)] + solar[w1 + idx(l)]));
        }
    }

    // The loss factor, then coal as the residual of generation and its hours. The other sources'
    // generation is summed in source order from others_prefix, the sum of sources 1..F-1.
    template <int L, int F>
    void residual(const double* slot, double* st, Flag* bad, bool all) const {
        const auto Tn = idx(T);
        const auto at = [&](std::size_t offset) { return st + offset * L; };
        const auto lanes = [&](int slot_index) { return slot + idx(slot_index) * L; };
        const double* total = at(o_rows + kTotalOut * Tn);
        const double* imports = lanes(net_imports);
        const double* avg = at(o_avg);
        double* gen = at(o_gen);
        const auto others = [&](std::size_t i, std::size_t j) {  // year i, lane position j
            double sum = others_prefix[i];
            for (int s = F; s < supply::kSourceCount; ++s) sum += gen[idx(s) * Tn * L + j];
            return sum;
        };
        double* factor = at(o_loss);  // the base's, unless it varies
        const double* given = lanes(loss_factor);
        const double* actual = lanes(cal_coal);
        if (all || loss_factor_varies) {
            AIPOWER_SIMD
            for (int l = 0; l < L; ++l) {
                factor[l] = given[l];
                if (std::isnan(factor[l])) {  // calibrated on the base year's coal hours
                    check(bad[l], std::isfinite(actual[l]) && actual[l] >= 0.0 && actual[l] <= kMaxHours);
                    const double coal = avg[l] * actual[l] / units::kGwhPerTwh;
                    const double generation = coal + others(0, idx(l));
                    factor[l] = (generation + imports[l]) / total[l] - 1.0;
                }
                check(bad[l], std::isfinite(factor[l]) && factor[l] >= kMinLossFactor && factor[l] <= kMaxLossFactor);
            }
        }
        double* req = at(o_req);
        double* coal_hours = at(o_hours);  // coal's row of the hours table
        for (std::size_t i = 0; i < Tn; ++i)
            AIPOWER_SIMD
            for (int l = 0; l < L; ++l) {
                const std::size_t j = i * L + idx(l);
                req[j] = total[j] * (1.0 + factor[l]) - imports[j];
                const double coal = req[j] - others(i, j);
                gen[j] = coal;
                const double coal_gw = avg[j];
                coal_hours[j] = coal * units::kGwhPerTwh / coal_gw;
                // One check per lane and year: each check is a read-modify-write of the lane's flag.
                // With coal >= 0 and coal_gw > 0, `<= kMaxHours` also refuses inf and NaN.
                check(bad[l], coal >= 0.0 && coal_gw > 0.0 && coal_hours[j] <= kMaxHours);
            }
    }

    // Evaluates the L scenarios whose slot values are in `slot` (lanes) into the
    // state `st` (lanes), which holds the base state for every node that does not
    // vary; `all` recomputes every node (the base evaluation, L = 1).
    template <int L>
    void lean(double* slot, double* st, double* tmp, Flag* bad, bool all) const {
        const auto Tn = idx(T);
        const auto at = [&](std::size_t offset) { return st + offset * L; };
        const auto lanes = [&](int slot_index) { return slot + idx(slot_index) * L; };
        for (const auto& b : bindings)
            for (int s : b.slots) {
                if (preds[idx(s)] == Pred::None) continue;
                const Range range = range_of(preds[idx(s)]);
                const double* v = lanes(s);
                AIPOWER_SIMD
                for (int l = 0; l < L; ++l) check(bad[l], v[l] >= range.lo && v[l] <= range.hi);
            }
        // Demand.
        if (all || vary_demand) {
            if (all || vary[kPop]) {
                const double* start = lanes(pop_start);
                AIPOWER_SIMD
                for (int l = 0; l < L; ++l) check(bad[l], std::isfinite(start[l]) && start[l] > 0.0);
                project<L>(pop, slot, start, pop_anchor.data(), false, nullptr, at(o_pop), tmp, bad);
            }
            for (int r : {kPrimary, kSecondary, kEv, kDc, kTertiaryCore, kResidentialCore})
                if (all || vary[kRow0 + r]) row<L>(r, slot, st, tmp, bad);
            const double* share = lanes(ev_share);
            const auto R = [&](int row_index) { return at(o_rows + idx(row_index) * Tn); };
            for (std::size_t i = 0; i < Tn; ++i)
                AIPOWER_SIMD
                for (int l = 0; l < L; ++l) {
                    const std::size_t j = i * L + idx(l);
                    R(kTertiaryOut)[j] = R(2)[j] + (share[l] * R(3)[j] + R(4)[j]);
                    R(kResidentialOut)[j] = R(6)[j] + (1.0 - share[l]) * R(3)[j];
                    R(kTotalOut)[j] = R(0)[j] + R(1)[j] + R(kTertiaryOut)[j] + R(kResidentialOut)[j];
                    check(bad[l], std::isfinite(R(kTotalOut)[j]) && R(kTotalOut)[j] > 0.0);
                }
            // The growth's divisor (the year before) is checked > 0 with every total below.
            if (all || want_growth) {
                AIPOWER_SIMD
                for (int l = 0; l < L; ++l) R(kGrowthOut)[l] = base.demand.start_total_growth;
                for (std::size_t i = 1; i < Tn; ++i)
                    AIPOWER_SIMD
                    for (int l = 0; l < L; ++l) {
                        const std::size_t j = i * L + idx(l);
                        R(kGrowthOut)[j] = R(kTotalOut)[j] / R(kTotalOut)[j - L] - 1.0;
                    }
            }
        }
        const double* total = at(o_rows + kTotalOut * Tn);  // checked finite and > 0 where computed
        // Capacity (wind and solar before the level: their paths must be valid too).
        double* adjust = at(o_scratch + 4 * Tn);
        for (int s = 0; s < supply::kSourceCount; ++s) {
            if (!(all || vary[kCap0 + s])) continue;
            capacity<L>(cap[s], s, slot, at(o_cap + idx(s) * Tn), adjust, tmp, bad);
            average_and_additions<L>(s, slot, st, all || want_add[s]);
        }
        // Hours.
        for (int s = 0; s < supply::kSourceCount; ++s) {
            if (s == supply::Coal || !(all || vary[kHours0 + s])) continue;
            double* h = at(o_hours + idx(s) * Tn);
            double* start = h;  // the base's base-year hours (checked there), unless they vary
            if (all || base_hours_vary) {
                start = tmp + kStart * L;
                base_hours<L>(s, slot, st, start, bad);
            }
            // Every year within the hours of a year; the base's start was checked in the base.
            project<L>(hours[s], slot, start, nullptr, false, nullptr, h, tmp, bad, kMaxHours, start == h);
        }
        // Renewable target: the level, solved as renewables::solve_level does.
        if (target) {
            double* wind = at(o_scratch);
            double* solar = at(o_scratch + Tn);
            double* at_zero = tmp + kAtZero * L;
            double* at_probe = tmp + kAtProbe * L;
            if (all || probe_paths_vary) {
                double* level = tmp + kConstLevel * L;
                std::fill(level, level + L, 0.0);
                leveled_paths<L>(level, slot, st, wind, solar, tmp, bad);
                share_at<L>(wind, solar, false, st, at_zero);
                if (all) probe_paths.assign(wind, wind + Tn * L), probe_paths.insert(probe_paths.end(), solar, solar + Tn * L);
                std::fill(level, level + L, kProbeLevel);
                leveled_paths<L>(level, slot, st, wind, solar, tmp, bad);
                share_at<L>(wind, solar, false, st, at_probe);
                if (all) probe_paths.insert(probe_paths.end(), wind, wind + Tn * L), probe_paths.insert(probe_paths.end(), solar, solar + Tn * L);
            } else {  // the same paths as in the base: valid, and only the shares change
                const double* p = probe_paths.data();
                share_at<L>(p, p + Tn, true, st, at_zero);
                share_at<L>(p + 2 * Tn, p + 3 * Tn, true, st, at_probe);
            }
            const double* target_share_lanes = lanes(target_share);
            double* level = tmp + kLevel * L;
            AIPOWER_SIMD
            for (int l = 0; l < L; ++l) {
                const double per_gw = (at_probe[l] - at_zero[l]) / kProbeLevel;
                level[l] = (target_share_lanes[l] - at_zero[l]) / per_gw;
                // A level below 0: the target is already met without additions, refused by china::run.
                check(bad[l], per_gw > 0.0 && level[l] >= 0.0);
            }
            wind = at(o_cap + supply::Wind * Tn);  // the paths at the level are the state's
            solar = at(o_cap + supply::Solar * Tn);
            leveled_paths<L>(level, slot, st, wind, solar, tmp, bad);
            double* reached = tmp + kCheck * L;
            share_at<L>(wind, solar, false, st, reached);
            AIPOWER_SIMD
            for (int l = 0; l < L; ++l) check(bad[l], std::fabs(reached[l] - target_share_lanes[l]) < kLevelTolerance);
            average_and_additions<L>(supply::Wind, slot, st, all || want_add[supply::Wind]);
            average_and_additions<L>(supply::Solar, slot, st, all || want_add[supply::Solar]);
            std::copy(level, level + L, at(o_level));
        }
        // Balance: the loss factor, then generation, coal as the residual and its hours.
        // Imports: where bound, the bound-slot checks above test them finite, as china::run does.
        const double* imports = lanes(net_imports);
        if (all)
            for (std::size_t i = 0; i < Tn; ++i)
                AIPOWER_SIMD
                for (int l = 0; l < L; ++l) check(bad[l], std::isfinite(imports[i * L + idx(l)]));
        const double* avg = at(o_avg);
        const double* h = at(o_hours);
        double* gen = at(o_gen);
        for (int s = 1; s < supply::kSourceCount; ++s) {
            // A source whose capacity and hours do not vary keeps the base state's generation.
            if (!(all || generation_varies(s))) continue;
            for (std::size_t i = 0; i < Tn; ++i)
                AIPOWER_SIMD
                for (int l = 0; l < L; ++l) {
                    const std::size_t j = (idx(s) * Tn + i) * L + idx(l);
                    gen[j] = avg[j] * h[j] / units::kGwhPerTwh;
                    check(bad[l], std::isfinite(gen[j]));  // units::gw_hours_to_twh refuses an overflow
                }
        }
        if (all) {  // the sums of the leading fixed sources, as the residual adds them (from 0.0)
            others_prefix.assign(Tn, 0.0);
            for (std::size_t i = 0; i < Tn; ++i)
                for (int s = 1; s < first_varying_other; ++s) others_prefix[i] += gen[(idx(s) * Tn + i) * L];
        }
        // One instantiation per first varying source: the sum's terms known when compiled, so the
        // lane loops vectorise and read only the rows that vary.
        switch (first_varying_other) {
            case 1: residual<L, 1>(slot, st, bad, all); break;
            case 2: residual<L, 2>(slot, st, bad, all); break;
            case 3: residual<L, 3>(slot, st, bad, all); break;
            case 4: residual<L, 4>(slot, st, bad, all); break;
            case 5: residual<L, 5>(slot, st, bad, all); break;
            case 6: residual<L, 6>(slot, st, bad, all); break;
            default: residual<L, supply::kSourceCount>(slot, st, bad, all); break;
        }
        double* share = at(o_share);
        if (all || want_share)
            for (std::size_t j = 0; j < Tn * L; ++j)
                share[j] = (gen[supply::Wind * Tn * L + j] + gen[supply::Solar * Tn * L + j] + gen[supply::Biomass * Tn * L + j]) /
                           total[j];
        double* wsadd = at(o_wsadd);
        const double* add = at(o_add);
        if (all || want_wsadd)
            for (std::size_t j = 0; j < Tn * L; ++j) wsadd[j] = add[supply::Wind * Tn * L + j] + add[supply::Solar * Tn * L + j];
    }

    // A one-scenario state into its row of outputs.
    void to_outputs(const double* st, double* out) const {
        for (std::size_t k = 0; k < width; ++k) out[k] = st[output_columns[k]];
    }

    void from_result(const china::Result& r, double* st) const {
        const auto Tn = idx(T);
        std::copy(r.demand.population.begin(), r.demand.population.end(), st + o_pop);
        const auto& names = demand::row_names();
        for (std::size_t j = 0; j < names.size(); ++j) {
            const auto& v = r.demand.rows.at(names[j]);
            std::copy(v.begin(), v.end(), st + o_rows + j * Tn);
        }
        for (int s = 0; s < supply::kSourceCount; ++s) {
            std::copy(r.capacity[idx(s)].begin(), r.capacity[idx(s)].end(), st + o_cap + idx(s) * Tn);
            std::copy(r.additions[idx(s)].begin(), r.additions[idx(s)].end(), st + o_add + idx(s) * Tn);
            std::copy(r.hours[idx(s)].begin(), r.hours[idx(s)].end(), st + o_hours + idx(s) * Tn);
            std::copy(r.balance.generation[idx(s)].begin(), r.balance.generation[idx(s)].end(), st + o_gen + idx(s) * Tn);
        }
        std::copy(r.balance.required.begin(), r.balance.required.end(), st + o_req);
        std::copy(r.balance.non_hydro_share.begin(), r.balance.non_hydro_share.end(), st + o_share);
        std::copy(r.wind_solar_additions.begin(), r.wind_solar_additions.end(), st + o_wsadd);
        st[o_level] = r.has_requirement ? r.requirement.level : kNaN;
        st[o_loss] = r.loss_factor;
    }

    china::Inputs inputs_for(const double* values) const {
        china::Inputs in = base;
        for (std::size_t j = 0; j < bindings.size(); ++j) apply(in, bindings[j], values[j]);
        if (route_bound) {
            double v[3] = {route.capex_per_watt_rmb, route.twh_per_gw_year, route.energy_per_flop_change};
            for (std::size_t j = 0; j < bindings.size(); ++j)
                for (int w = 0; w < 3; ++w)
                    if (bindings[j].slots.front() == route_slots[w]) v[w] = values[j];
            in.demand.data_centers.path = route_path(base.demand.data_centers.start_value, v[0], v[1], v[2]);
        }
        return in;
    }

    using Work = Model::Workspace;
    static std::vector<double> broadcast(const std::vector<double>& v) {
        std::vector<double> out(v.size() * kLanes);
        for (std::size_t k = 0; k < v.size(); ++k) std::fill(out.begin() + static_cast<std::ptrdiff_t>(k * kLanes),
                                                             out.begin() + static_cast<std::ptrdiff_t>((k + 1) * kLanes), v[k]);
        return out;
    }
    Work make_work() const {
        Work w;
        w.model_id = id;
        w.slots = slots;
        w.state = base_state;
        w.temps.assign(kTemps, 0.0);
        w.bad.assign(1, 0.0);
        w.lane_slots = broadcast(slots);
        w.lane_state = broadcast(base_state);
        w.lane_temps.assign(kTemps * kLanes, 0.0);
        w.lane_bad.assign(kLanes, 0.0);
        return w;
    }
    void check_work(const Work& w) const {
        if (w.model_id != id || w.slots.size() != slots.size() || w.state.size() != base_state.size() ||
            w.lane_slots.size() != slots.size() * kLanes || w.lane_state.size() != base_state.size() * kLanes ||
            w.temps.size() != kTemps || w.bad.size() != 1 || w.lane_temps.size() != kTemps * kLanes ||
            w.lane_bad.size() != kLanes)
            fail("workspace", "belongs to another model");
    }

    // china::run for one scenario: its outputs, or false with its message (outputs NaN).
    bool exact(const double* values, double* out, std::string* error) const {
        std::vector<double> st(base_state);
        try {
            from_result(china::run(inputs_for(values)), st.data());
        } catch (const std::invalid_argument& e) {
            if (error) *error = e.what();
            std::fill(out, out + width, kNaN);
            return false;
        }
        to_outputs(st.data(), out);
        return true;
    }

    // The lean path for one scenario: false where china::run is needed.
    bool lean_one(const double* values, double* out, Work& w) const {
        check_work(w);
        for (std::size_t j = 0; j < bindings.size(); ++j)
            for (int s : bindings[j].slots) w.slots[idx(s)] = values[j];
        w.bad[0] = 0.0;
        lean<1>(w.slots.data(), w.state.data(), w.temps.data(), w.bad.data(), false);
        if (w.bad[0] != 0.0) return false;
        to_outputs(w.state.data(), out);
        return true;
    }

    bool one(const double* values, double* out, std::string* error, Work& w) const {
        return lean_one(values, out, w) || exact(values, out, error);
    }

    // Up to kLanes scenarios at once; lanes past n evaluate the base and are not read.
    void block(const double* values, std::size_t n, double* out, std::uint8_t* ok, Work& w, const Model::Failed& failed,
               const Model::WantsMessage& wants_message, std::size_t first) const {
        lean_lanes(*this, values, n, out, w);
        const std::size_t P = bindings.size();
        std::string message;
        for (std::size_t l = 0; l < n; ++l) {
            ok[l] = 1;
            if (w.lane_bad[l] == 0.0) continue;
            if (!wants_message || wants_message(first + l)) {
                // Re-run through china::run for its message (and its result, should it accept).
                ok[l] = exact(values + l * P, out + l * width, &message) ? 1 : 0;
                if (ok[l] == 0) failed(first + l, message);
            } else {
                ok[l] = 0;
                std::fill(out + l * width, out + (l + 1) * width, kNaN);
                failed(first + l, std::string());
            }
        }
    }

    // The lean path for up to kLanes scenarios (lanes past n evaluate the base): their values
    // into the lane rows, the model, the lane rows of the outputs into the scenarios' rows
    // (rows of lanes flagged in w.lane_bad are meaningless).
    void lanes_block(const double* values, std::size_t n, double* out, Work& w) const {
        const std::size_t P = bindings.size();
        double* lane_slots = w.lane_slots.data();
        // Each scenario's values into the lane rows of its bindings' first slots, then into their
        // other slots.
        auto& from = w.transpose_from;
        auto& to = w.transpose_to;
        from.resize(n);
        for (std::size_t l = 0; l < n; ++l) from[l] = values + l * P;
        to.resize(P);
        for (std::size_t j = 0; j < P; ++j) to[j] = lane_slots + idx(bindings[j].slots.front()) * kLanes;
        transpose(from.data(), n, P, to.data());
        double* const* binding_rows = to.data();
        for (std::size_t j = 0; j < P; ++j)
            for (int s : bindings[j].slots) {
                double* row = lane_slots + idx(s) * kLanes;
                if (row != binding_rows[j]) std::copy(binding_rows[j], binding_rows[j] + n, row);
                std::fill(row + n, row + kLanes, slots[idx(s)]);
            }
        std::fill(w.lane_bad.begin(), w.lane_bad.end(), 0.0);
        lean<kLanes>(lane_slots, w.lane_state.data(), w.lane_temps.data(), w.lane_bad.data(), false);
        from.resize(width);
        for (std::size_t k = 0; k < width; ++k) from[k] = w.lane_state.data() + output_columns[k] * kLanes;
        to.resize(n);
        for (std::size_t l = 0; l < n; ++l) to[l] = out + l * width;
        transpose(from.data(), width, n, to.data());
    }
};

// Compiled twice where the compiler and platform allow (GCC, x86-64 Linux):
// for AVX2, whose 4-double vectors do the lane loops twice as wide as SSE2,
// and for any x86-64; the loader picks one for the CPU (vectorised_build() names
// it). Without FMA either way, so both give the same bits. `flatten` inlines the
// whole path into each clone. (An AVX-512 clone was measured and not kept: see
// docs/performance.md.)
#if defined(AIPOWER_TARGET_CLONES)
__attribute__((target_clones("avx2", "default"), flatten))
#endif
void lean_lanes(const Model::Impl& m, const double* values, std::size_t n, double* out, Model::Workspace& w) {
    m.lanes_block(values, n, out, w);
}

std::string vectorised_build() {
#if defined(AIPOWER_TARGET_CLONES)
    // The loader's choice among lean_lanes' clones, tested in the same order.
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) return "AVX2";
    return "x86-64";
#else
    return "one build (no per-CPU clones)";
#endif
}

Model::Model(const china::Inputs& base, const std::vector<std::string>& bindings, const std::vector<std::string>& outputs,
             const DataCenterRoute& route)
    : impl_(std::make_unique<Impl>()) {
    auto& m = *impl_;
    // The base must run: it validates everything that no binding changes (structure, years, coverage).
    china::Result base_result;
    try {
        base_result = china::run(base);
    } catch (const std::invalid_argument& e) {
        fail("base scenario", std::string("does not run: ") + e.what());
    }
    m.base = base;
    m.route = route;
    if (route.kind != DataCenterRoute::Kind::None) {
        const auto n = static_cast<std::size_t>(base.years.count());
        if (base.demand.data_centers.path.size() != n)
            fail("route", "the data-center row has no path: a route needs demand.data_centers.driver = 'capex' or 'compute'");
        const auto& years_of_route = route.kind == DataCenterRoute::Kind::Capex ? route.capex_yi_rmb : route.eflops;
        require_same_length(route.kind == DataCenterRoute::Kind::Capex ? "route.capex_yi_rmb" : "route.eflops",
                            years_of_route.size(), n);
        // Its fields checked here, by name: a bad one was an "internal error" of the lean evaluation. (Its
        // path need not be the base's: a scenario's mid case is the mean of two of the route's paths.)
        try {
            m.route_path(base.demand.data_centers.start_value, route.capex_per_watt_rmb, route.twh_per_gw_year,
                         route.energy_per_flop_change);
        } catch (const std::invalid_argument& e) {
            fail("route", std::string("does not run at its own values: ") + e.what());
        }
    }
    m.compile();
    m.layout();
    if (outputs.empty()) fail("outputs", "is empty: expected at least one output (e.g. hours.coal)");
    for (const auto& o : outputs) m.add_output(o);
    for (const auto& b : bindings) m.add_binding(b);
    m.find_varying();
    m.base_state.assign(m.state_size, 0.0);
    std::vector<double> temps(Impl::kTemps, 0.0);
    double bad = 0.0;
    m.lean<1>(m.slots.data(), m.base_state.data(), temps.data(), &bad, true);
    // The lean path must accept every input china::run accepts.
    if (bad != 0.0) fail("batch", "internal error: the lean evaluation rejects the base scenario that china::run accepts");
}

Model::~Model() = default;
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;

std::size_t Model::parameters() const { return impl_->bindings.size(); }
const std::vector<std::string>& Model::binding_names() const { return impl_->binding_names; }
const std::vector<std::string>& Model::output_names() const { return impl_->output_names; }
const std::vector<std::size_t>& Model::output_widths() const { return impl_->output_widths; }
std::size_t Model::width() const { return impl_->width; }
const series::Years& Model::years() const { return impl_->base.years; }

std::vector<double> Model::base_values() const {
    std::vector<double> out;
    for (const auto& b : impl_->bindings) out.push_back(impl_->slots[idx(b.slots.front())]);
    return out;
}

china::Inputs Model::inputs_for(const double* values) const { return impl_->inputs_for(values); }

void Model::extract(const china::Result& result, double* out) const {
    std::vector<double> st(impl_->state_size, 0.0);
    impl_->from_result(result, st.data());
    impl_->to_outputs(st.data(), out);
}

Model::Workspace Model::workspace() const { return impl_->make_work(); }

bool Model::evaluate_one(const double* values, double* out, std::string* error, Workspace& work) const {
    return impl_->one(values, out, error, work);
}

bool Model::evaluate_lean(const double* values, double* out, Workspace& work) const {
    return impl_->lean_one(values, out, work);
}

void Model::evaluate_serial(const double* values, std::size_t n, double* out, std::uint8_t* ok, Workspace& work,
                            const Failed& failed, const WantsMessage& wants_message) const {
    const auto& m = *impl_;
    m.check_work(work);
    const std::size_t P = m.bindings.size();
    for (std::size_t begin = 0; begin < n; begin += kLanes)
        m.block(values + begin * P, std::min(kLanes, n - begin), out + begin * m.width, ok + begin, work, failed,
                wants_message, begin);
}

bool Model::evaluate_one(const double* values, double* out, std::string* error) const {
    auto w = impl_->make_work();
    return impl_->one(values, out, error, w);
}

Status Model::evaluate(const double* values, std::size_t n, double* out, std::uint8_t* ok, int threads,
                       OnError on_error) const {
    const int workers = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(resolve_threads(threads)),
                                                               std::max<std::size_t>(1, (n + kWorkUnit - 1) / kWorkUnit)));
    const auto& m = *impl_;
    const std::size_t P = m.bindings.size();
    const std::size_t W = m.width;
    std::atomic<std::size_t> next{0};
    std::atomic<std::uint64_t> lowest{UINT64_MAX};  // status.first_failed, read without the lock
    std::mutex lock;
    Status status;
    std::exception_ptr unexpected;
    const auto work = [&] {
        try {
            auto w = m.make_work();
            while (true) {
                const std::size_t begin = next.fetch_add(kWorkUnit);
                if (begin >= n) break;
                const std::size_t count = std::min(n, begin + kWorkUnit) - begin;
                evaluate_serial(
                    values + begin * P, count, out + begin * W, ok + begin, w,
                    [&](std::size_t i, const std::string& message) {
                        std::lock_guard<std::mutex> g(lock);
                        ++status.failed;
                        if (begin + i < status.first_failed) {
                            status.first_failed = begin + i;
                            status.first_failure = message;
                            lowest.store(begin + i, std::memory_order_relaxed);
                        }
                    },
                    // Only the first failure's message is kept: none is made above one already found.
                    [&](std::size_t i) { return begin + i < lowest.load(std::memory_order_relaxed); });
            }
        } catch (...) {
            std::lock_guard<std::mutex> g(lock);
            if (!unexpected) unexpected = std::current_exception();
        }
    };
    if (workers <= 1) {
        work();
    } else {
        std::vector<std::thread> pool;
        for (int t = 0; t < workers; ++t) pool.emplace_back(work);
        for (auto& t : pool) t.join();
    }
    if (unexpected) std::rethrow_exception(unexpected);
    if (on_error == OnError::Raise && status.failed > 0)
        fail("scenario " + std::to_string(status.first_failed),
             status.first_failure + " (" + std::to_string(status.failed) + " of " + std::to_string(n) + " scenarios failed)");
    return status;
}

}  // namespace aipower::batch
