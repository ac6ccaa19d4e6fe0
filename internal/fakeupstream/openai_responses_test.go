package fakeupstream

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/responses"

	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

func responsesParams(text string) responses.ResponseNewParams {
	return responses.ResponseNewParams{Model: "gpt-4o", Input: responses.ResponseNewParamsInputUnion{OfString: openai.String(text)}}
}

func TestOpenAIResponsesWithSDK(t *testing.T) {
	srv, rec := NewOpenAI(t, OpenAIConfig{APIKey: "sk-test", CachedTokens: 1})
	client := sdkClient(srv, "sk-test")
	got, err := client.Responses.New(context.Background(), responsesParams("hello there"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.ID, "resp_") || got.Status != "completed" || got.OutputText() != "Echo: hello there" ||
		got.Usage.TotalTokens != got.Usage.InputTokens+got.Usage.OutputTokens || got.Usage.InputTokensDetails.CachedTokens != 1 {
		t.Fatalf("response = %+v", got)
	}
	if reqs := rec.Requests(); len(reqs) != 1 || reqs[0].Path != "/v1/responses" {
		t.Fatalf("requests = %+v", reqs)
	}

	// The stored response continues; an unknown id is OpenAI's 404.
	next := responsesParams("again")
	next.PreviousResponseID = openai.String(got.ID)
	if _, err := client.Responses.New(context.Background(), next); err != nil {
		t.Fatalf("previous_response_id of a stored response: %v", err)
	}
	next.PreviousResponseID = openai.String("resp_x")
	_, err = client.Responses.New(context.Background(), next)
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound || apiErr.Code != "previous_response_not_found" ||
		apiErr.Param != "previous_response_id" || apiErr.Message != "Previous response with id 'resp_x' not found." {
		t.Fatalf("unknown previous_response_id: %v", err)
	}

	// store: false keeps nothing.
	unstored := responsesParams("no store")
	unstored.Store = openai.Bool(false)
	r3, err := client.Responses.New(context.Background(), unstored)
	if err != nil {
		t.Fatal(err)
	}
	next.PreviousResponseID = openai.String(r3.ID)
	if _, err := client.Responses.New(context.Background(), next); !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Fatalf("previous_response_id of an unstored response: %v", err)
	}
}

func TestOpenAIResponsesFunctionCallAndStream(t *testing.T) {
	srv, _ := NewOpenAI(t, OpenAIConfig{ToolCalls: true})
	client := sdkClient(srv, "k")
	params := responsesParams("Paris")
	params.Tools = []responses.ToolUnionParam{{OfFunction: &responses.FunctionToolParam{Name: "weather",
		Parameters: map[string]any{"type": "object"}, Strict: openai.Bool(false)}}}
	got, err := client.Responses.New(context.Background(), params)
	if err != nil {
		t.Fatal(err)
	}
	fc := got.Output[0].AsFunctionCall()
	if got.Output[0].Type != "function_call" || fc.Name != "weather" || fc.Arguments != `{"input":"Paris"}` || fc.CallID == "" {
		t.Fatalf("function call = %+v", got.Output[0])
	}

	stream := sdktest.ReadResponses(t, client.Responses.NewStreaming(context.Background(), params))
	want := "response.created response.in_progress response.output_item.added response.function_call_arguments.delta response.function_call_arguments.delta " +
		"response.function_call_arguments.delta response.function_call_arguments.delta response.function_call_arguments.done response.output_item.done response.completed"
	if strings.Join(stream.Types, " ") != want || stream.Args != `{"input":"Paris"}` {
		t.Fatalf("events %v args %q", stream.Types, stream.Args)
	}
}

func TestOpenAIResponsesTextStream(t *testing.T) {
	srv, _ := NewOpenAI(t, OpenAIConfig{Reply: "one two three"})
	got := sdktest.ReadResponses(t, sdkClient(srv, "k").Responses.NewStreaming(context.Background(), responsesParams("x")))
	if got.Text != "one two three" || got.Final == nil || got.Final.OutputText() != "one two three" || got.Final.Status != "completed" {
		t.Fatalf("text %q final %+v", got.Text, got.Final)
	}
}

func TestOpenAIResponsesRejects(t *testing.T) {
	srv, _ := NewOpenAI(t, OpenAIConfig{})
	for body, param := range map[string]string{
		`{"model":"gpt-4o","input":"x","messages":[]}`: "messages",
		`{"input":"x"}`: "model",
		`{"model":"gpt-4o","input":"x","max_output_tokens":3}`: "max_output_tokens",
	} {
		resp, err := http.Post(srv.URL+"/v1/responses", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		e := readOpenAIError(t, resp)
		if resp.StatusCode != 400 || e.Param != param {
			t.Errorf("%s: %d %+v", body, resp.StatusCode, e)
		}
	}
}

type openAIErrorBody struct {
	Message, Type, Param, Code string
}

func readOpenAIError(t *testing.T, resp *http.Response) openAIErrorBody {
	t.Helper()
	defer resp.Body.Close()
	var env struct {
		Error openAIErrorBody `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatal(err)
	}
	return env.Error
}
