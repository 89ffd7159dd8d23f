#include "datasets/tokenizers/bpe_tokenizer.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <mutex>
#include <sstream>
#include <unordered_map>

namespace scalebench {
namespace {

// The training lines, each cut into pieces of at most max_bytes (at a UTF-8 boundary).
class LineIterator : public sentencepiece::SentenceIterator {
 public:
  LineIterator(std::string_view text, std::size_t max_bytes) : text_(text), max_bytes_(max_bytes) {
    Next();
  }
  bool done() const override { return done_; }
  const std::string& value() const override { return value_; }
  sentencepiece::util::Status status() const override { return sentencepiece::util::Status(); }
  void Next() override {
    while (position_ < text_.size()) {
      std::size_t end = text_.find('\n', position_);
      if (end == std::string_view::npos) end = text_.size();
      std::size_t cut = std::min(end, position_ + max_bytes_);
      while (cut < end && cut > position_ && (text_[cut] & 0xC0) == 0x80) --cut;  // not mid-UTF-8
      value_.assign(text_.substr(position_, cut - position_));
      position_ = cut < end ? cut : end + 1;
      if (!value_.empty()) return;
    }
    done_ = true;
  }

 private:
  std::string_view text_;
  std::size_t max_bytes_;
  std::size_t position_ = 0;
  std::string value_;
  bool done_ = false;
};

}  // namespace

bool BpeTokenizerOptions::IsValid(std::string* error) const {
  std::ostringstream message;
  if (vocab_size < 8 || vocab_size > 1000000) {
    message << "vocab_size = " << vocab_size << " must be in [8, 1e6]";
  } else if (num_threads < 1) {
    message << "num_threads = " << num_threads << " must be >= 1";
  } else if (max_sentence_length < 64) {
    message << "max_sentence_length = " << max_sentence_length << " must be >= 64";
  } else {
    return true;
  }
  if (error != nullptr) *error = "BpeTokenizerOptions." + message.str();
  return false;
}

bool BpeTokenizer::Train(std::string_view training_text,
                         const BpeTokenizerOptions& options,
                         BpeTokenizer* out,
                         std::string* error) {
  auto fail = [&](const std::string& message) {
    if (error != nullptr) *error = "BpeTokenizer::Train: " + message;
    return false;
  };
  if (!options.IsValid(error)) return false;
  if (training_text.find_first_not_of("\n") == std::string_view::npos) {
    return fail("the training text is empty");
  }
  const std::unordered_map<std::string, std::string> args = {
      {"model_type", "bpe"},
      {"vocab_size", std::to_string(options.vocab_size)},
      {"character_coverage", "1.0"},
      {"normalization_rule_name", "identity"},
      {"remove_extra_whitespaces", "false"},
      {"split_digits", "false"},
      {"input_sentence_size", "0"},
      {"max_sentence_length", std::to_string(options.max_sentence_length)},
      {"num_threads", std::to_string(options.num_threads)},
      {"unk_id", std::to_string(kUnknownId)},
      {"eos_id", std::to_string(kEndOfLineId)},
      {"bos_id", "-1"},
      {"pad_id", "-1"},
      {"minloglevel", "2"},  // no progress chatter on stderr
  };
  LineIterator lines(training_text, std::size_t(options.max_sentence_length));
  std::string proto;
  {
    // The trainer keeps process-wide state (logging level, pretokenizer): one at a time.
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    const auto status = sentencepiece::SentencePieceTrainer::Train(args, &lines, &proto);
    if (!status.ok()) return fail(status.ToString());
  }
  auto processor = std::make_shared<sentencepiece::SentencePieceProcessor>();
  const auto status = processor->LoadFromSerializedProto(proto);
  if (!status.ok()) return fail("loading the trained model: " + status.ToString());
  if (processor->GetPieceSize() != options.vocab_size) {
    return fail("SentencePiece made " + std::to_string(processor->GetPieceSize()) +
                " pieces instead of vocab_size = " + std::to_string(options.vocab_size));
  }
  out->processor_ = std::move(processor);
  out->model_proto_ = std::move(proto);
  return true;
}

std::vector<int> BpeTokenizer::Encode(std::string_view text) const {
  std::vector<int> ids, line_ids;
  std::size_t position = 0;
  while (true) {
    const std::size_t end = text.find('\n', position);
    const std::string_view line = text.substr(
        position, end == std::string_view::npos ? std::string_view::npos : end - position);
    if (!line.empty()) {
      line_ids.clear();
      processor_->Encode(line, &line_ids).IgnoreError();  // only fails on an unloaded model
      ids.insert(ids.end(), line_ids.begin(), line_ids.end());
    }
    if (end == std::string_view::npos) break;
    ids.push_back(kEndOfLineId);
    position = end + 1;
  }
  return ids;
}

std::string BpeTokenizer::Decode(const std::vector<int>& ids) const {
  std::string text, line;
  std::vector<int> segment;
  auto flush = [&] {
    line.clear();
    if (!segment.empty()) processor_->Decode(segment, &line).IgnoreError();
    text += line;
    segment.clear();
  };
  for (int id : ids) {
    if (id == kEndOfLineId) {
      flush();
      text += '\n';
    } else {
      segment.push_back(id);
    }
  }
  flush();
  return text;
}

int BpeTokenizer::vocab_size() const {
  return processor_ ? processor_->GetPieceSize() : 0;
}

std::string BpeTokenizer::Piece(int id) const {
  return processor_ ? processor_->IdToPiece(id) : std::string();
}

}  // namespace scalebench
