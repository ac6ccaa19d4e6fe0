package governance

import (
	"time"

	"go.uber.org/zap"
)

// AuditMessage is the message of a management entry in the audit log
// (the compliance report looks for it).
const AuditMessage = "management action"

// audit writes who did what to which key (by fingerprint) or team.
func (g *Governance) audit(who, action, id, fingerprint, team string) {
	fields := []zap.Field{zap.String("who", who), zap.String("action", action)}
	if id != "" {
		fields = append(fields, zap.String("key_id", id), zap.String("client_key", fingerprint))
	}
	if team != "" {
		fields = append(fields, zap.String("team", team))
	}
	g.opts.Audit.Info(AuditMessage, fields...)
}

func unixUTC(n int64) time.Time { return time.Unix(0, n).UTC() }
