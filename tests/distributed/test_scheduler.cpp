// The chunks of the MPI scheduler (src/distributed/scheduler.hpp), without MPI: they cover the tasks once,
// in order, about eight per rank; the ranks' records, in any order, come back in chunk order, and a
// missing, repeated or unknown chunk is refused.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "distributed/scheduler.hpp"
#include "distributed/wire.hpp"
#include "ivassign/error.hpp"

namespace ivassign::distributed {
namespace {

TEST(Scheduler, ChunksCoverTheTasksOnceInOrder) {
  for (const std::uint64_t tasks : {0u, 1u, 2u, 7u, 15u, 16u, 17u, 100u, 1000u, 12345u}) {
    for (const int ranks : {1, 2, 3, 8, 64}) {
      const Chunks chunks(tasks, ranks);
      std::uint64_t next = 0;
      for (std::uint64_t c = 0; c < chunks.count; ++c) {
        const TaskRange r = chunks.range(c);
        EXPECT_EQ(r.first, next) << tasks << " tasks, " << ranks << " ranks, chunk " << c;
        EXPECT_GE(r.count, 1u);
        next += r.count;
      }
      EXPECT_EQ(next, tasks) << tasks << " tasks, " << ranks << " ranks";
      EXPECT_LE(chunks.count, static_cast<std::uint64_t>(ranks) * 8);  // about eight per rank at most
      if (tasks >= static_cast<std::uint64_t>(ranks) * 8) {  // and more than four
        EXPECT_GT(chunks.count, static_cast<std::uint64_t>(ranks) * 4);
      }
    }
  }
}

// Records (chunk, bytes) as a rank writes them.
std::string records(const std::vector<std::pair<std::uint64_t, std::string>>& items) {
  wire::Writer w;
  for (const auto& [chunk, bytes] : items) w(chunk)(bytes);
  return w.take();
}

TEST(Scheduler, ByChunkPutsRecordsInChunkOrder) {
  const Chunks chunks(3, 1);  // three chunks of one task
  ASSERT_EQ(chunks.count, 3u);
  // rank 1's records after rank 0's, as gathered: chunks 1, then 0 and 2
  const std::string all = records({{1, "b"}, {0, "a"}, {2, ""}});
  EXPECT_EQ(by_chunk(all, chunks), (std::vector<std::string>{"a", "b", ""}));
  EXPECT_THROW(by_chunk(records({{0, "a"}, {2, "c"}}), chunks), Error);              // chunk 1 missing
  EXPECT_THROW(by_chunk(records({{0, "a"}, {1, "b"}, {1, "b"}}), chunks), Error);    // chunk 1 twice
  EXPECT_THROW(by_chunk(records({{0, "a"}, {1, "b"}, {2, "c"}, {3, "d"}}), chunks), Error);  // no chunk 3
  EXPECT_TRUE(by_chunk("", Chunks(0, 4)).empty());  // no tasks, no chunks
}

TEST(Scheduler, ConcatenateKeepsTheOrder) {
  EXPECT_EQ(concatenate(std::vector<std::vector<int>>{{1, 2}, {}, {3}}), (std::vector<int>{1, 2, 3}));
}

}  // namespace
}  // namespace ivassign::distributed
