package integration

import "errors"

func asOpenAIError[T any](err error, target *T) bool { return errors.As(err, target) }
