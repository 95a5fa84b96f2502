package interactions

import "time"

// SetWriteTimeout shortens the server's write deadline, so that a test
// can outlast it without waiting seconds.
func SetWriteTimeout(s *Server, d time.Duration) { s.writeTimeout = d }
