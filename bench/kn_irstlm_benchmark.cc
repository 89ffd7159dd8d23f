// The scalebench half of the side-by-side with IRSTLM (scripts/bench-irstlm.sh runs both):
// writes the character-level King James Bible (train and test splits of SplitCorpus, one verse
// per line, characters separated by spaces, the space itself written as "_", each line wrapped
// in <s> ... </s> as IRSTLM's add-start-end.sh does) into a folder, then trains the modified
// Kneser-Ney learner (harness/learners/kneser_ney.h) on the same characters and prints its
// training time and test cross-entropy, as key=value lines the script reads.
//
// The token streams are the same text: scalebench's stream holds the '\n' ending each verse
// where IRSTLM has </s>, and its contexts run across verse boundaries where IRSTLM restarts at
// <s>; both test losses count every character and every end of verse, so they are comparable to
// a few hundredths of a nat. This is a plain program with its own main (no Google Benchmark
// timing loop: one training is seconds).
//
// --words: the same at word level (see WriteIrstlmWords): there IRSTLM's improved Kneser-Ney
// (-lm=ikn) runs; at character level it refuses (no unigram continuation count is 1 or 2 with
// 64 characters), so the script uses its shift-beta model (-lm=sb) there.
//
//   build/<dir>/bench/kn_irstlm_benchmark --dir=/tmp/kjv --order=5 [--train-chars=N] [--words]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "datasets/readers/text_corpus.h"
#include "datasets/tokenizers/char_tokenizer.h"
#include "harness/learners/kneser_ney.h"

namespace scalebench {
namespace {

// Word level: the words of each verse (split on spaces, punctuation kept attached) as written,
// in IRSTLM's sentence markers; returns the ids of the same words, with `newline` after each
// verse, ids assigned in order of first appearance in *vocab (shared by train and test, so a
// test word unseen in training has an id that the Kneser-Ney model never saw: it gets the
// uniform floor of the interpolation, where IRSTLM maps it to <unk>).
std::vector<int> WriteIrstlmWords(const std::string& text,
                                  const std::string& path,
                                  std::unordered_map<std::string, int>* vocab,
                                  bool* ok) {
  std::ofstream out(path);
  std::vector<int> ids;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    out << "<s>";
    std::size_t word = begin;
    while (word < end) {
      std::size_t stop = text.find(' ', word);
      if (stop == std::string::npos || stop > end) stop = end;
      if (stop > word) {
        const std::string w = text.substr(word, stop - word);
        out << ' ' << w;
        ids.push_back(vocab->emplace(w, int(vocab->size())).first->second);
      }
      word = stop + 1;
    }
    out << " </s>\n";
    ids.push_back(0);  // id 0 is the end of a verse
    begin = end + 1;
  }
  *ok = bool(out);
  return ids;
}

// One verse per line, characters as space-separated words, in IRSTLM's sentence markers.
bool WriteIrstlmText(const std::string& text, const std::string& path) {
  std::ofstream out(path);
  bool line_open = false;
  for (const char32_t cp : DecodeUtf8(text)) {
    if (cp == U'\n') {
      if (line_open) out << " </s>\n";
      line_open = false;
      continue;
    }
    if (!line_open) out << "<s>";
    line_open = true;
    out << ' ';
    if (cp == U' ') {
      out << '_';
    } else {
      out << EncodeUtf8(std::u32string(1, cp));
    }
  }
  if (line_open) out << " </s>\n";
  return bool(out);
}

// The text cut after the last whole line within `chars` characters (0: all).
std::string Prefix(const std::string& text, std::size_t chars) {
  if (chars == 0 || chars >= text.size()) return text;
  const std::size_t end = text.rfind('\n', chars - 1);
  return end == std::string::npos ? text.substr(0, chars) : text.substr(0, end + 1);
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

struct Streams {
  std::vector<int> train, test;
  int vocab = 0;
};

bool WriteStreams(const CorpusSplits& splits,
                  const std::string& train_text,
                  bool words,
                  const std::string& dir,
                  const std::string& whole_text,
                  Streams* streams) {
  if (words) {
    std::unordered_map<std::string, int> vocab{{"\n", 0}};
    bool train_ok = false, test_ok = false;
    streams->train = WriteIrstlmWords(train_text, dir + "/train.txt", &vocab, &train_ok);
    streams->test = WriteIrstlmWords(splits.test, dir + "/test.txt", &vocab, &test_ok);
    streams->vocab = int(vocab.size());
    return train_ok && test_ok;
  }
  // The vocabulary of the whole text, so that no test character is unknown to either model.
  const CharTokenizer tokenizer = CharTokenizer::Build(whole_text);
  streams->train = tokenizer.Encode(train_text);
  streams->test = tokenizer.Encode(splits.test);
  streams->vocab = tokenizer.vocab_size();
  return WriteIrstlmText(train_text, dir + "/train.txt") &&
         WriteIrstlmText(splits.test, dir + "/test.txt");
}

int Run(const std::string& dir, int order, std::size_t train_chars, bool words) {
  TextCorpus corpus;
  CorpusSplits splits;
  std::string error;
  if (!LoadKingJamesBible(&corpus, &error) || !SplitCorpus(corpus.text, {}, &splits, &error)) {
    std::fprintf(stderr, "kn_irstlm_benchmark: %s\n", error.c_str());
    return 1;
  }
  const std::string train_text = Prefix(splits.train, train_chars);
  Streams streams;
  if (!WriteStreams(splits, train_text, words, dir, corpus.text, &streams)) {
    std::fprintf(stderr, "kn_irstlm_benchmark: cannot write %s/{train,test}.txt\n", dir.c_str());
    return 1;
  }

  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  KneserNeyModel model;
  if (!KneserNeyModel::Train(streams.train, streams.vocab, order - 1, &model, &error)) {
    std::fprintf(stderr, "kn_irstlm_benchmark: %s\n", error.c_str());
    return 1;
  }
  const double train_seconds = Seconds(start);
  const std::vector<double> by_order =
      model.CrossEntropyByOrder(streams.test, std::size_t(order - 1));
  const double total_seconds = Seconds(start);
  const double cpu_seconds = double(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  const double nats = by_order[std::size_t(order - 1)];
  std::printf("level=%s\ntrain_tokens=%zu\ntest_tokens=%zu\nvocab=%d\norder=%d\n",
              words ? "word" : "char",
              streams.train.size(),
              streams.test.size(),
              streams.vocab,
              order);
  std::printf(
      "kn_train_s=%.3f\nkn_total_s=%.3f\nkn_cpu_s=%.3f\nkn_test_nats=%.4f\n"
      "kn_test_ppl=%.4f\n",
      train_seconds,
      total_seconds,
      cpu_seconds,
      nats,
      std::exp(nats));
  return 0;
}

}  // namespace
}  // namespace scalebench

int main(int argc, char** argv) {
  std::string dir;
  int order = 5;
  std::size_t train_chars = 0;
  bool words = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--dir=", 6) == 0) {
      dir = argv[i] + 6;
    } else if (std::strncmp(argv[i], "--order=", 8) == 0) {
      order = std::atoi(argv[i] + 8);
    } else if (std::strncmp(argv[i], "--train-chars=", 14) == 0) {
      train_chars = std::size_t(std::atoll(argv[i] + 14));
    } else if (std::strcmp(argv[i], "--words") == 0) {
      words = true;
    } else {
      std::fprintf(
          stderr, "usage: %s --dir=DIR [--order=N (2..10)] [--train-chars=N] [--words]\n", argv[0]);
      return 2;
    }
  }
  if (dir.empty() || order < 2 || order > 10) {
    std::fprintf(stderr, "kn_irstlm_benchmark: need --dir=DIR and --order in [2, 10]\n");
    return 2;
  }
  return scalebench::Run(dir, order, train_chars, words);
}
