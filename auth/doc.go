// Package auth holds accounts, roles, password hashing, server-side sessions
// with their CSRF tokens and the login rate limit. It is pure: storage comes
// through the Store interface it declares, and it knows nothing of HTTP.
package auth
