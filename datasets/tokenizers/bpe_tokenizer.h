// The subword tokenizer of the language targets: byte-pair encoding (Sennrich, Haddow & Birch
// 2016) as trained by SentencePiece (Kudo & Richardson 2018; Debian libsentencepiece-dev) with
// model_type=bpe, in memory (no files, no temp dir).
//
// Training uses the training split only: its lines are the SentencePiece "sentences"
// (character_coverage 1.0, so every character of the training text gets a piece; identity
// normalisation and no whitespace squeezing, so encoding is lossless for those characters).
// Ids: 0 is <unk> (characters the training split does not contain), 1 is the end-of-line id,
// then the BPE pieces; vocab_size() counts them all and equals options.vocab_size.
// Encode splits the text at '\n' and emits each line's pieces followed by the end-of-line id
// (no id after the last segment), so Decode(Encode(text)) == text for text over the training
// characters, newlines included.
//
// Usage:
//   BpeTokenizer tokenizer;
//   std::string error;
//   BpeTokenizerOptions options;
//   options.vocab_size = 2048;
//   if (!BpeTokenizer::Train(splits.train, options, &tokenizer, &error)) ...;
//   std::vector<int> ids = tokenizer.Encode(splits.validation);  // ids in [0, vocab_size())
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace scalebench {

struct BpeTokenizerOptions {
  int vocab_size = 2048;              // pieces incl. <unk> and end-of-line; >= 8
  int num_threads = 2;                // SentencePiece trainer threads
  int max_sentence_length = 1 << 16;  // bytes; longer training lines are split (not dropped)
  bool IsValid(std::string* error) const;
};

class BpeTokenizer {
 public:
  static constexpr int kUnknownId = 0;
  static constexpr int kEndOfLineId = 1;

  // Fails with SentencePiece's message (e.g. a vocabulary too large for the text) prefixed by
  // "BpeTokenizer::Train: ".
  static bool Train(std::string_view training_text,
                    const BpeTokenizerOptions& options,
                    BpeTokenizer* out,
                    std::string* error);

  std::vector<int> Encode(std::string_view text) const;
  std::string Decode(const std::vector<int>& ids) const;
  int vocab_size() const;
  // The piece of an id (SentencePiece's "\u2581" marks a word start).
  std::string Piece(int id) const;
  // The serialized SentencePiece model (for caching or inspection).
  const std::string& model_proto() const { return model_proto_; }

 private:
  std::shared_ptr<const sentencepiece::SentencePieceProcessor> processor_;
  std::string model_proto_;
};

}  // namespace scalebench
