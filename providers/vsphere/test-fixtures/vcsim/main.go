// vcsim for the provider tests: VMware's vCenter simulator (govmomi's simulator package) with the
// default VPX inventory, served over TLS on an ephemeral loopback port. Debian ships the library
// but no vcsim command, so this is the smallest main that runs it.
//
// Credentials come from VCSIM_USERNAME/VCSIM_PASSWORD (default user/pass) and are enforced;
// VCSIM_DELAY_MS / VCSIM_METHOD_DELAY_MS add delays to every / to named method calls.
// Once it serves it prints two lines and then runs until SIGINT/SIGTERM:
//
//	VCSIM_URL=https://<user>:<password>@127.0.0.1:<port>/sdk
//	VCSIM_CERT=<base64 DER of the server certificate>
//
// The certificate lets tests exercise real TLS verification (CA bundle and fingerprint pinning).
//
// vcsim runs every task to its end inside the method call that starts it, so no test could see a
// task outlast a wait. TaskManager:TaskControl adds vCenter's TaskManager.CreateTask and
// Task.SetTaskState (the calls vCenter extensions use for their own tasks): a test makes a task
// that stays running until it ends it.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

func main() {
	model := simulator.VPX()
	// VCSIM_DELAY_MS slows every method down, VCSIM_METHOD_DELAY_MS ("Method=ms,...") single
	// methods, standing in for a vCenter under load.
	if delay, err := strconv.Atoi(os.Getenv("VCSIM_DELAY_MS")); err == nil && delay > 0 {
		model.DelayConfig.Delay = delay
	}
	model.DelayConfig.MethodDelay = map[string]int{}
	for _, entry := range strings.Split(os.Getenv("VCSIM_METHOD_DELAY_MS"), ",") {
		parts := strings.SplitN(entry, "=", 2)
		if len(parts) != 2 {
			continue
		}
		if delay, err := strconv.Atoi(parts[1]); err == nil && delay > 0 {
			model.DelayConfig.MethodDelay[parts[0]] = delay
		}
	}
	if err := model.Create(); err != nil {
		fmt.Fprintln(os.Stderr, "vcsim: create inventory:", err)
		os.Exit(1)
	}
	defer model.Remove()
	taskControl := &taskControl{}
	taskControl.Self = types.ManagedObjectReference{Type: "TaskManager", Value: "TaskControl"}
	simulator.Map.Put(taskControl)

	// An explicit user makes vcsim check the password (with its default login any non-empty
	// password is accepted), so tests can see a real InvalidLogin fault.
	username, password := os.Getenv("VCSIM_USERNAME"), os.Getenv("VCSIM_PASSWORD")
	if username == "" || password == "" {
		username, password = "user", "pass"
	}
	model.Service.Listen = &url.URL{Host: "127.0.0.1:0", User: url.UserPassword(username, password)}
	// httptest's built-in certificate has a 1024-bit RSA key, which OpenSSL (and so Node) refuses.
	certificate, err := loopbackCertificate()
	if err != nil {
		fmt.Fprintln(os.Stderr, "vcsim: certificate:", err)
		os.Exit(1)
	}
	model.Service.TLS = &tls.Config{Certificates: []tls.Certificate{certificate}}
	server := model.Service.NewServer()
	defer server.Close()

	fmt.Printf("VCSIM_URL=%s\n", server.URL.String())
	fmt.Printf("VCSIM_CERT=%s\n", base64.StdEncoding.EncodeToString(server.Certificate().Raw))
	os.Stdout.Sync()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}

// taskControl makes tasks that run until SetTaskState ends them.
type taskControl struct {
	mo.TaskManager
}

var controlledTasks int64

func (c *taskControl) CreateTask(ctx *simulator.Context, req *types.CreateTask) soap.HasFault {
	task := &controlledTask{}
	task.Self = types.ManagedObjectReference{
		Type:  "Task",
		Value: fmt.Sprintf("task-controlled-%d", atomic.AddInt64(&controlledTasks, 1)),
	}
	task.Info = types.TaskInfo{
		Key:           task.Self.Value,
		Task:          task.Self,
		Name:          req.TaskTypeId,
		DescriptionId: req.TaskTypeId,
		Entity:        &req.Obj,
		State:         types.TaskInfoStateRunning,
		QueueTime:     time.Now(),
		Cancelable:    req.Cancelable,
	}
	ctx.Map.Put(task)
	return &methods.CreateTaskBody{Res: &types.CreateTaskResponse{Returnval: task.Info}}
}

type controlledTask struct {
	mo.Task
}

func (t *controlledTask) SetTaskState(ctx *simulator.Context, req *types.SetTaskState) soap.HasFault {
	changes := []types.PropertyChange{{Name: "info.state", Val: req.State}}
	if req.Result != nil {
		changes = append(changes, types.PropertyChange{Name: "info.result", Val: req.Result})
	}
	if req.Fault != nil {
		changes = append(changes, types.PropertyChange{Name: "info.error", Val: req.Fault})
	}
	ctx.Map.Update(t, changes)
	return &methods.SetTaskStateBody{Res: &types.SetTaskStateResponse{}}
}

// loopbackCertificate is a fresh self-signed ECDSA P-256 certificate for 127.0.0.1.
func loopbackCertificate() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "vcsim"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
