package sharedstate

import (
	"context"
	"fmt"
	"sync"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
)

// go-redis writes to stderr, through a process-wide logger, on every
// failed dial: during an outage that would be a line every probe. The
// Store logs outages itself, throttled, so go-redis's own lines are sent
// to the first Store's logger at debug level instead.
var redirectRedisLog sync.Once

type redisLogger struct{ logger *zap.Logger }

func (l redisLogger) Printf(_ context.Context, format string, v ...any) {
	if ce := l.logger.Check(zap.DebugLevel, "go-redis"); ce != nil {
		ce.Write(zap.String("detail", fmt.Sprintf(format, v...)))
	}
}

func quietRedisLog(logger *zap.Logger) {
	redirectRedisLog.Do(func() { redis.SetLogger(redisLogger{logger: logger.Named("redis")}) })
}
