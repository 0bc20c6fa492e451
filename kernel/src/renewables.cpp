#include "aipower/renewables.hpp"

#include <cmath>

#include "aipower/errors.hpp"

namespace aipower::renewables {

Requirement solve_level(const std::function<double(double)>& share_of_level, double target_share) {
    require_range("target_share", target_share, 0.0, 1.0);
    if (!share_of_level) fail("share_of_level", "is empty: expected the share reached at a level");
    // The probe level only sets the scale of the secant; any positive value works for a linear share.
    constexpr double kProbeLevel = 100.0;
    Requirement r;
    r.share_at_zero = share_of_level(0.0);
    const double at_probe = share_of_level(kProbeLevel);
    r.share_per_gw = (at_probe - r.share_at_zero) / kProbeLevel;
    if (!(r.share_per_gw > 0.0))
        fail("renewable requirement", "the non-hydro share does not rise with wind and solar additions "
                                      "(check wind/solar hours and the solve years)");
    r.level = (target_share - r.share_at_zero) / r.share_per_gw;
    if (r.level < 0.0) return r;  // target met without additions: the caller decides
    const double check = share_of_level(r.level);
    if (!(std::fabs(check - target_share) < 1e-9))
        fail("renewable requirement", "the solved level " + format_value(r.level) + " GW/yr gives a share of " +
                                          format_value(check) + ", not the target " + format_value(target_share));
    return r;
}

}  // namespace aipower::renewables
