// src/posterior/measures_detail.hpp — pieces shared by the measure paths (tensor, count vectors, sampling).
#pragma once
#include <vector>

#include "ivassign/posterior.hpp"

namespace ivassign {

/// Lambda_i = min over b_i != r_i of the per-pair variation (NaN when K_i = 1).
void finalize_variation(InformationMeasures& info, const std::vector<std::vector<double>>& pair_variation);

}  // namespace ivassign
