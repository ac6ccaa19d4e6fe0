package security

import "testing"

// luhnCheckDigit computes the digit that makes payload Luhn-valid, written
// independently of luhnValid (doubling from the right of the full number).
func luhnCheckDigit(payload []byte) byte {
	sum := 0
	for i := range payload {
		d := int(payload[len(payload)-1-i] - '0')
		if i%2 == 0 { // these positions are doubled once the check digit is appended
			d = d*2%10 + d*2/10
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

func withCheckDigit(payload string) string {
	return payload + string(luhnCheckDigit([]byte(payload)))
}

func TestLuhn(t *testing.T) {
	valid := []string{"4111111111111111", "5555555555554444", "378282246310005", "6011111111111117", "0", "18", "79927398713"}
	for _, s := range valid {
		if !luhnValid([]byte(s)) {
			t.Errorf("%s should pass", s)
		}
	}
	invalid := []string{"4111111111111112", "79927398710", "1", "", "41111111111111a1"}
	for _, s := range invalid {
		if luhnValid([]byte(s)) {
			t.Errorf("%q should fail", s)
		}
	}
	if got := withCheckDigit("7992739871"); got != "79927398713" {
		t.Fatalf("withCheckDigit = %s", got)
	}
}

func FuzzLuhn(f *testing.F) {
	f.Add([]byte("411111111111111"))
	f.Add([]byte("0"))
	f.Add([]byte("12a4"))
	f.Fuzz(func(t *testing.T, data []byte) {
		luhnValid(data) // any input: must not panic
		digits := make([]byte, 0, len(data))
		for _, b := range data {
			if isDigit(b) {
				digits = append(digits, b)
			}
		}
		if len(digits) == 0 || len(digits) > 64 {
			return
		}
		full := append(digits, luhnCheckDigit(digits))
		if !luhnValid(full) {
			t.Fatalf("%s with its check digit fails", full)
		}
		// Luhn catches every single-digit error.
		for i := range full {
			orig := full[i]
			full[i] = '0' + (orig-'0'+1)%10
			if luhnValid(full) {
				t.Fatalf("%s passes after changing digit %d", full, i)
			}
			full[i] = orig
		}
	})
}
