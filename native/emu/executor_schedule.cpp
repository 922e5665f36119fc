// Which runnable thread runs next: the schedule strategies (docs/EMULATOR.md, schedule
// exploration). Every strategy is a function of the dispatch's seed (and, for a scripted run, its
// script), so every schedule replays exactly.
#include <algorithm>

#include "../digest/xxhash64.h"
#include "executor.h"

namespace gpuos::emu {

namespace {

constexpr std::uint64_t kDefaultPctSteps = 1000;
// Polls of an unchanged word after which a thread yields to the others under PCT and in a scripted
// run's default: else the highest-priority thread of a spin-wait would keep the CPU for ever (the
// spin detector needs every runnable thread to be spinning).
constexpr std::uint32_t kPollYieldRepeats = 4;

}  // namespace

void Executor::prepare_schedule(const ScheduleOptions& options) {
  decision_count_ = 0;
  decisions_.clear();
  decisions_truncated_ = false;
  barrier_digests_.clear();
  barrier_digest_sites_.clear();
  plain_random_ = options.strategy == ScheduleStrategy::kRandom && !options.record_decisions;
  if (options.strategy != ScheduleStrategy::kPct) return;

  // PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010): every thread gets a distinct
  // random priority of at least d, and d - 1 distinct decisions drawn from 1..k demote the thread
  // that would run there to 0, 1, ..., d - 2 in turn, below every initial priority. The highest-priority
  // runnable thread always runs. A bug that needs d particular orderings is then found with
  // probability at least 1 / (n k^(d-1)).
  priorities_.resize(thread_count_);
  for (std::uint32_t t = 0; t < thread_count_; ++t) priorities_[t] = t;
  for (std::uint32_t t = thread_count_; t > 1; --t) std::swap(priorities_[t - 1], priorities_[rng_.below(t)]);
  const std::uint32_t depth = std::max<std::uint32_t>(options.pct_depth, 1);
  for (std::int64_t& priority : priorities_) priority += depth;
  lowest_priority_ = 0;
  const std::uint64_t steps = options.pct_steps == 0 ? kDefaultPctSteps : options.pct_steps;
  change_points_.clear();
  const std::uint64_t wanted = std::min<std::uint64_t>(depth - 1, steps);
  while (change_points_.size() < wanted) {
    const std::uint64_t point = 1 + (rng_.next() % steps);
    if (std::find(change_points_.begin(), change_points_.end(), point) == change_points_.end()) change_points_.push_back(point);
  }
  std::sort(change_points_.begin(), change_points_.end());
  next_change_point_ = 0;
}

Fiber* Executor::choose(Fiber* self, Handover handover) {
  ++decision_count_;
  const bool preemption = self && is_runnable(self);
  const ScheduleOptions& options = request_->schedule;
  Fiber* chosen = nullptr;
  std::uint32_t option = 0;
  switch (options.strategy) {
    case ScheduleStrategy::kRandom:
      chosen = choose_random(self, handover);  // the same choices as the plain path's
      break;
    case ScheduleStrategy::kPct:
      collect_runnable();
      chosen = runnable_[choose_pct(self, preemption)];
      break;
    case ScheduleStrategy::kScripted:
      if (decision_count_ <= options.script.size()) {
        option = options.script[decision_count_ - 1];
      } else {
        option = preemption && polled_unchanged(self, kPollYieldRepeats) ? 1 : 0;  // go on, unless polling in vain
      }
      if (option >= runnable_count_) option = 0;  // a script from another kernel or input: follow the default
      collect_runnable();
      chosen = runnable_[choose_scripted(preemption ? self : nullptr, option)];
      break;
  }
  if (options.record_decisions) {
    if (decisions_.size() < kMaxRecordedDecisions) {
      if (options.strategy != ScheduleStrategy::kScripted) option = 0;  // only scripted runs number their options
      decisions_.push_back({static_cast<std::uint16_t>(runnable_count_), static_cast<std::uint16_t>(option), preemption, false});
    } else {
      decisions_truncated_ = true;
    }
  }
  return chosen;
}

// The option-th choice: the thread that just did an atomic first, when it may go on, then the
// other runnable threads by thread index. Returns its position in runnable_.
std::uint32_t Executor::choose_scripted(Fiber* self, std::uint32_t option) {
  option_scratch_.clear();
  std::uint32_t self_position = runnable_count_;
  for (std::uint32_t i = 0; i < runnable_count_; ++i) {
    if (runnable_[i] == self) {
      self_position = i;
    } else {
      option_scratch_.push_back(runnable_[i]->index);
    }
  }
  if (self_position < runnable_count_) {
    if (option == 0) return self_position;
    --option;
  }
  std::nth_element(option_scratch_.begin(), option_scratch_.begin() + option, option_scratch_.end());
  const std::uint32_t thread = option_scratch_[option];
  for (std::uint32_t i = 0; i < runnable_count_; ++i) {
    if (runnable_[i]->index == thread) return i;
  }
  return 0;  // unreachable: the thread was taken from runnable_
}

std::uint32_t Executor::choose_pct(Fiber* self, bool preemption) {
  auto highest = [&] {
    std::uint32_t best = 0;
    for (std::uint32_t i = 1; i < runnable_count_; ++i) {
      if (priorities_[runnable_[i]->index] > priorities_[runnable_[best]->index]) best = i;
    }
    return best;
  };
  if (preemption && polled_unchanged(self, kPollYieldRepeats)) priorities_[self->index] = --lowest_priority_;
  std::uint32_t best = highest();
  // A change point demotes the thread that would run there, then the next highest runs.
  while (next_change_point_ < change_points_.size() && change_points_[next_change_point_] == decision_count_) {
    priorities_[runnable_[best]->index] = static_cast<std::int64_t>(next_change_point_);  // the paper's i, below d
    ++next_change_point_;
    best = highest();
  }
  return best;
}

// Every bound buffer and the threadgroup memory in use, digested together at a barrier release
// (every thread waits there, so memory holds still).
void Executor::digest_barrier(const gpuos_source_site* site) {
  std::uint64_t digest = digest::xxh64(threadgroup_arena_.data(), threadgroup_used_, barrier_digests_.size());
  for (std::uint32_t i = 0; i < GPUOS_MAX_BUFFER_BINDINGS; ++i) {
    const BufferBinding& binding = request_->buffers[i];
    if (binding.data) digest = digest::xxh64(binding.data, binding.size, digest ^ (i + 1));
  }
  barrier_digests_.push_back(digest);
  barrier_digest_sites_.push_back(site);
}

}  // namespace gpuos::emu
