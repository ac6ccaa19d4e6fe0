package gemini

import "encoding/json"

// The GenerateContent request as Google's clients send it (v1beta and v1),
// limited to what the translation reads. Reference:
// https://ai.google.dev/api/generate-content. The provider's copy in
// providers/google is shaped for sending; this one keeps the raw JSON of
// fields that are only checked (tools, the generation config's extras).
type inRequest struct {
	Contents          []inContent       `json:"contents"`
	SystemInstruction *inContent        `json:"systemInstruction"`
	Tools             []json.RawMessage `json:"tools"`
	ToolConfig        *inToolConfig     `json:"toolConfig"`
	GenerationConfig  *inGenConfig      `json:"generationConfig"`
	SafetySettings    json.RawMessage   `json:"safetySettings"`
	CachedContent     string            `json:"cachedContent"`
}

type inContent struct {
	Role  string   `json:"role"`
	Parts []inPart `json:"parts"`
}

type inPart struct {
	Text             *string             `json:"text"`
	Thought          bool                `json:"thought"`
	InlineData       *inBlob             `json:"inlineData"`
	FileData         json.RawMessage     `json:"fileData"`
	FunctionCall     *inFunctionCall     `json:"functionCall"`
	FunctionResponse *inFunctionResponse `json:"functionResponse"`
	ExecutableCode   json.RawMessage     `json:"executableCode"`
	CodeResult       json.RawMessage     `json:"codeExecutionResult"`
	ThoughtSignature string              `json:"thoughtSignature"`
}

type inBlob struct {
	MimeType string `json:"mimeType"`
	Data     string `json:"data"`
}

type inFunctionCall struct {
	ID   string          `json:"id"`
	Name string          `json:"name"`
	Args json.RawMessage `json:"args"`
}

type inFunctionResponse struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Response json.RawMessage `json:"response"`
}

type inFunctionDeclaration struct {
	Name                 string          `json:"name"`
	Description          string          `json:"description"`
	Parameters           json.RawMessage `json:"parameters"`
	ParametersJSONSchema json.RawMessage `json:"parametersJsonSchema"`
}

type inToolConfig struct {
	FunctionCallingConfig *struct {
		Mode                 string   `json:"mode"`
		AllowedFunctionNames []string `json:"allowedFunctionNames"`
	} `json:"functionCallingConfig"`
}

type inGenConfig struct {
	StopSequences      []string        `json:"stopSequences"`
	ResponseMimeType   string          `json:"responseMimeType"`
	ResponseSchema     json.RawMessage `json:"responseSchema"`
	ResponseJSONSchema json.RawMessage `json:"responseJsonSchema"`
	CandidateCount     *int            `json:"candidateCount"`
	MaxOutputTokens    *int            `json:"maxOutputTokens"`
	Temperature        *float64        `json:"temperature"`
	TopP               *float64        `json:"topP"`
	TopK               *int            `json:"topK"`
	Seed               *int64          `json:"seed"`
	PresencePenalty    *float64        `json:"presencePenalty"`
	FrequencyPenalty   *float64        `json:"frequencyPenalty"`
	ResponseModalities []string        `json:"responseModalities"`
	SpeechConfig       json.RawMessage `json:"speechConfig"`
	ResponseLogprobs   bool            `json:"responseLogprobs"`
	ThinkingConfig     *struct {
		ThinkingBudget *int   `json:"thinkingBudget"`
		ThinkingLevel  string `json:"thinkingLevel"`
	} `json:"thinkingConfig"`
}
