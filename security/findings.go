package security

import "slices"

// detectorSet is a bit set of enabled detectors.
type detectorSet uint8

const (
	emailBit detectorSet = 1 << iota
	phoneBit
	cardBit
	secretBit

	allDetectors = emailBit | phoneBit | cardBit | secretBit
	secretOnly   = secretBit
)

var detectorBits = map[Detector]detectorSet{
	DetectEmail:  emailBit,
	DetectPhone:  phoneBit,
	DetectCard:   cardBit,
	DetectSecret: secretBit,
}

func (s detectorSet) has(bit detectorSet) bool { return s&bit != 0 }

// precedence ranks detectors for naming a merged finding.
func precedence(d Detector) int {
	switch d {
	case DetectSecret:
		return 3
	case DetectCard:
		return 2
	case DetectEmail:
		return 1
	default:
		return 0
	}
}

// scan runs the enabled detectors. Credentials and e-mail addresses are
// found first; numbers are then looked for only in the text between them, as
// if those findings were already redacted. That ordering is what makes
// redaction stable: a phone or card number can never change meaning because
// a neighbouring e-mail or key was replaced by a marker (the other
// detectors' boundaries are designed not to depend on their neighbours).
func scan(text string, enabled detectorSet) []Finding {
	var found []Finding
	if enabled.has(secretBit) {
		found = appendSecrets(found, text)
	}
	if enabled.has(emailBit) {
		found = appendEmails(found, text)
	}
	found = mergeFindings(found)
	if !enabled.has(cardBit | phoneBit) {
		return found
	}
	barriers := len(found)
	gapStart := 0
	for i := 0; i <= barriers; i++ {
		gapEnd := len(text)
		if i < barriers {
			gapEnd = found[i].Start
		}
		found = appendNumbers(found, text[gapStart:gapEnd], gapStart, enabled)
		if i < barriers {
			gapStart = found[i].End
		}
	}
	if barriers == 0 {
		return found // number findings come out sorted and disjoint
	}
	return mergeFindings(found)
}

// mergeFindings sorts findings and merges overlapping ones into their union,
// named after the strongest detector involved. Redacting the union is the
// only safe choice: leaving part of an overlapping match could leave enough
// of it to still be recognisable.
func mergeFindings(fs []Finding) []Finding {
	if len(fs) < 2 {
		return fs
	}
	slices.SortFunc(fs, func(a, b Finding) int { return a.Start - b.Start })
	out := fs[:1]
	for _, f := range fs[1:] {
		last := &out[len(out)-1]
		if f.Start >= last.End {
			out = append(out, f)
			continue
		}
		last.End = max(last.End, f.End)
		if precedence(f.Detector) > precedence(last.Detector) {
			last.Detector = f.Detector
		}
	}
	return out
}
