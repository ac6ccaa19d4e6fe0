package fakeupstream

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
)

// Reasoning items of the Responses API as OpenAI hands them out and wants
// them back. A reasoning model's answer starts with a reasoning item (its
// summary filled when reasoning.summary asks, its encrypted_content when
// include asks for reasoning.encrypted_content). The message or function
// call after it is paired with it: passing that item back by id without
// its reasoning item is OpenAI's 400, and under store false a reasoning
// item can only come back with its encrypted_content (OpenAI kept nothing
// to find by id: its 404).

// oaiReasoningPrefix starts every encrypted_content the fake hands out;
// the rest is the item id, base64 encoded, so a changed value fails.
const oaiReasoningPrefix = "gAAAAABfake"

func oaiSealReasoning(id string) string {
	return oaiReasoningPrefix + base64.StdEncoding.EncodeToString([]byte(id))
}

// oaiReasoningItem builds the reasoning item of an answer and remembers it
// (with the item it leads to) for checkReasoningItems.
func (f *fakeOpenAI) oaiReasoningItem(req *oaiResponsesRequest, n int64, last string, stored bool, pairedID string) oaiOutputItem {
	item := oaiOutputItem{ID: fmt.Sprintf("rs_fake%016d", n), Type: "reasoning", Summary: &[]oaiSummaryText{}}
	if req.Reasoning != nil && req.Reasoning.Summary != nil && *req.Reasoning.Summary != "" {
		item.Summary = &[]oaiSummaryText{{Type: "summary_text", Text: "**Considering the request**\n\nThe user asked: " + last}}
	}
	for _, inc := range req.Include {
		if inc == "reasoning.encrypted_content" {
			item.EncryptedContent = oaiSealReasoning(item.ID)
		}
	}
	st := &f.stored
	st.mu.Lock()
	if st.reasoning == nil {
		st.reasoning, st.pairedWith = map[string]bool{}, map[string]string{}
	}
	st.reasoning[item.ID] = stored
	st.pairedWith[pairedID] = item.ID
	st.mu.Unlock()
	return item
}

// oaiInputItem is what the fake reads of an input item.
type oaiInputItem struct {
	Type             string  `json:"type"`
	ID               string  `json:"id"`
	Role             string  `json:"role"`
	EncryptedContent *string `json:"encrypted_content"`
}

// checkReasoningItems refuses the input OpenAI refuses: a reasoning item
// with nothing after it, one it cannot find (not stored, no
// encrypted_content) or whose encrypted_content it did not issue, and a
// message or function call passed back by id without its reasoning item.
func (f *fakeOpenAI) checkReasoningItems(req *oaiResponsesRequest) *OpenAIError {
	var items []oaiInputItem
	if json.Unmarshal(req.Input, &items) != nil {
		return nil // a string, or a shape the SDKs do not send
	}
	given := map[string]bool{}
	for _, it := range items {
		if it.Type == "reasoning" {
			given[it.ID] = true
		}
	}
	st := &f.stored
	st.mu.Lock()
	defer st.mu.Unlock()
	for i, it := range items {
		switch {
		case it.Type == "reasoning" && i == len(items)-1:
			return oaiInputError("Item '" + it.ID + "' of type 'reasoning' was provided without its required following item.")
		case it.Type == "reasoning" && it.EncryptedContent != nil && *it.EncryptedContent != "":
			if *it.EncryptedContent != oaiSealReasoning(it.ID) {
				return &OpenAIError{Status: http.StatusBadRequest, Type: "invalid_request_error", Code: "invalid_encrypted_content",
					Message: "The encrypted content " + oaiElide(*it.EncryptedContent) + " could not be verified."}
			}
		case it.Type == "reasoning":
			if stored, ok := st.reasoning[it.ID]; !ok || !stored {
				e := &OpenAIError{Status: http.StatusNotFound, Type: "invalid_request_error", Param: "input",
					Message: "Item with id '" + it.ID + "' not found."}
				if req.Store != nil && !*req.Store {
					e.Message += " Items are not persisted when `store` is set to false. Try again with `store` set to true, or remove this item from your input."
				}
				return e
			}
		case it.ID != "" && st.pairedWith[it.ID] != "" && !given[st.pairedWith[it.ID]]:
			typ := it.Type
			if typ == "" {
				typ = "message"
			}
			return oaiInputError("Item '" + it.ID + "' of type '" + typ + "' was provided without its required 'reasoning' item: '" + st.pairedWith[it.ID] + "'.")
		}
	}
	return nil
}

func oaiInputError(msg string) *OpenAIError {
	return &OpenAIError{Status: http.StatusBadRequest, Type: "invalid_request_error", Param: "input", Message: msg}
}

// oaiElide shortens a value the way OpenAI's error quotes it: gAAA...Rg==.
func oaiElide(s string) string {
	if len(s) <= 8 {
		return s
	}
	return s[:4] + "..." + s[len(s)-4:]
}

// oaiReasoningSettings is the Response object's "reasoning" member.
func oaiReasoningSettings(req *oaiResponsesRequest, plan oaiReasoningPlan) map[string]any {
	out := map[string]any{"effort": nil, "summary": nil}
	if plan.effort != "" {
		out["effort"] = plan.effort
	}
	if req.Reasoning != nil && req.Reasoning.Summary != nil {
		out["summary"] = *req.Reasoning.Summary
	}
	return out
}
