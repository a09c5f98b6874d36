// Command wggo-android runs wireguard-go the way the Android app's libwg-go runs
// it, so that `make bench` can compare Culvert with what phones actually run.
//
// Android's VpnService hands the app a TUN file descriptor opened without
// IFF_VNET_HDR: no TUN GSO/GRO offloads. libwg-go passes that fd to
// tun.CreateUnmonitoredTUNFromFD, creates the device with the standard UDP bind
// (which keeps UDP GSO/GRO where the kernel offers them) and brings it up
// itself. This program does the same on Linux: it opens /dev/net/tun with
// IFF_TUN|IFF_NO_PI only, then serves the usual UAPI socket
// (/var/run/wireguard/NAME.sock) so `wg setconf` configures it exactly like the
// other implementations in bench/impls.sh.
//
//	wggo-android -f IFNAME
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
	"golang.zx2c4.com/wireguard/conn"
	"golang.zx2c4.com/wireguard/device"
	"golang.zx2c4.com/wireguard/ipc"
	"golang.zx2c4.com/wireguard/tun"
)

// openPlatformTun opens a TUN device the way VpnService.Builder.establish()
// does: IFF_TUN | IFF_NO_PI, no IFF_VNET_HDR, and returns its fd.
func openPlatformTun(name string) (int, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	var ifr [unix.IFNAMSIZ + 64]byte
	copy(ifr[:unix.IFNAMSIZ-1], name)
	*(*uint16)(unsafe.Pointer(&ifr[unix.IFNAMSIZ])) = unix.IFF_TUN | unix.IFF_NO_PI
	if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(unix.TUNSETIFF), uintptr(unsafe.Pointer(&ifr[0]))); errno != 0 {
		unix.Close(fd)
		return -1, errno
	}
	return fd, nil
}

func main() {
	if len(os.Args) != 3 || os.Args[1] != "-f" {
		fmt.Fprintln(os.Stderr, "usage: wggo-android -f IFNAME")
		os.Exit(2)
	}
	name := os.Args[2]
	logger := device.NewLogger(device.LogLevelError, fmt.Sprintf("(%s) ", name))

	fd, err := openPlatformTun(name)
	if err != nil {
		logger.Errorf("open TUN: %v", err)
		os.Exit(1)
	}
	tunDev, realName, err := tun.CreateUnmonitoredTUNFromFD(fd)
	if err != nil {
		logger.Errorf("CreateUnmonitoredTUNFromFD: %v", err)
		os.Exit(1)
	}
	dev := device.NewDevice(tunDev, conn.NewStdNetBind(), logger)
	dev.DisableSomeRoamingForBrokenMobileSemantics()
	if err := dev.Up(); err != nil {
		logger.Errorf("up: %v", err)
		os.Exit(1)
	}

	uapiFile, err := ipc.UAPIOpen(realName)
	if err != nil {
		logger.Errorf("UAPI open: %v", err)
		os.Exit(1)
	}
	uapi, err := ipc.UAPIListen(realName, uapiFile)
	if err != nil {
		logger.Errorf("UAPI listen: %v", err)
		os.Exit(1)
	}
	go func() {
		for {
			c, err := uapi.Accept()
			if err != nil {
				return
			}
			go dev.IpcHandle(c)
		}
	}()

	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM, os.Interrupt)
	select {
	case <-term:
	case <-dev.Wait():
	}
	uapi.Close()
	dev.Close()
}
