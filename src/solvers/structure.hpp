// src/solvers/structure.hpp — structural facts the solvers use.
#pragma once
#include "ivassign/assignment.hpp"

namespace ivassign {

/// True when every optimum matches every allowed buyer: there are at most as many such buyers as
/// sellers and each buyer's smallest weight exceeds the largest total externality cost it can add
/// or cause (a QAPLIB instance with its completeness bonus, for instance). Cost: one pass over the
/// externality storage, O(n^2 T) for the factored form.
bool every_optimum_is_complete(const AssignmentProblem& problem);

/// Auto without a time or iteration limit picks the tabu search only up to this many slots
/// (sellers + active buyers): its default budget of max(20000, 200 T) iterations costs O(T^3)..O(T^4).
constexpr int kUntimedTabuSlots = 140;

/// Throws InputError naming what is wrong with `problem`: sizes, non-finite weights, the externalities'
/// shapes, sparse keys out of range or unordered, and externality costs (dense, sparse) or factors
/// (factored) below zero, with the instance reader's messages ("externality costs must be >= 0"): every
/// bound of the solvers and of VCG assumes c >= 0. O(size of the externality storage).
void validate_problem(const AssignmentProblem& problem);

}  // namespace ivassign
