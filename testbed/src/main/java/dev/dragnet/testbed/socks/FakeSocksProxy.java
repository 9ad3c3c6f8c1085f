package dev.dragnet.testbed.socks;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5Message;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * A SOCKS5 proxy on {@code 127.0.0.1} (RFC 1928), for tests of clients that reach servers through one. It takes the
 * {@code CONNECT} command to an address or a name and relays bytes both ways until either side closes. With
 * {@link #withPassword} it asks for RFC 1929 user name and password and refuses any other pair; with
 * {@link #refusingConnect} it refuses every {@code CONNECT} as a proxy whose rules forbid it. It records each
 * {@code CONNECT} it was asked for ({@link #connects()}), as {@code host:port}.
 *
 * <p>{@link #close()} waits for the socket and so must not be called on an event loop.
 */
public final class FakeSocksProxy implements AutoCloseable {

	private final @Nullable String user;

	private final @Nullable String password;

	private final boolean refuseConnect;

	private final List<String> connects = Collections.synchronizedList(new ArrayList<>());

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	private final Channel server;

	private FakeSocksProxy(@Nullable String user, @Nullable String password, boolean refuseConnect) {
		this.user = user;
		this.password = password;
		this.refuseConnect = refuseConnect;
		this.server = new ServerBootstrap().group(this.group)
			.channel(NioServerSocketChannel.class)
			.childHandler(new ChannelInitializer<SocketChannel>() {
				@Override
				protected void initChannel(SocketChannel channel) {
					channel.pipeline()
						.addLast(Socks5ServerEncoder.DEFAULT, new Socks5InitialRequestDecoder(), new Greeting());
				}
			})
			.bind("127.0.0.1", 0)
			.syncUninterruptibly()
			.channel();
	}

	/** A proxy that asks for no credentials. */
	public static FakeSocksProxy start() {
		return new FakeSocksProxy(null, null, false);
	}

	/** A proxy that takes only this user name and password. */
	public static FakeSocksProxy withPassword(String user, String password) {
		return new FakeSocksProxy(user, password, false);
	}

	/** A proxy that greets and then refuses every {@code CONNECT} ("connection not allowed by ruleset"). */
	public static FakeSocksProxy refusingConnect() {
		return new FakeSocksProxy(null, null, true);
	}

	public String host() {
		return "127.0.0.1";
	}

	public int port() {
		return ((InetSocketAddress) this.server.localAddress()).getPort();
	}

	/** The targets asked for, {@code host:port}, in order. */
	public List<String> connects() {
		synchronized (this.connects) {
			return List.copyOf(this.connects);
		}
	}

	@Override
	public void close() {
		this.server.close().syncUninterruptibly();
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	/** The client's methods; then its credentials when they are asked for, then its command. */
	private final class Greeting extends SimpleChannelInboundHandler<Socks5Message> {

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, Socks5Message message) {
			if (message instanceof Socks5InitialRequest initial) {
				ctx.pipeline().remove(Socks5InitialRequestDecoder.class);
				Socks5AuthMethod wanted = (FakeSocksProxy.this.user != null) ? Socks5AuthMethod.PASSWORD
						: Socks5AuthMethod.NO_AUTH;
				if (!initial.authMethods().contains(wanted)) {
					ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED))
						.addListener(ChannelFutureListener.CLOSE);
					return;
				}
				ctx.pipeline().addFirst((wanted == Socks5AuthMethod.PASSWORD) ? new Socks5PasswordAuthRequestDecoder()
						: new Socks5CommandRequestDecoder());
				ctx.writeAndFlush(new DefaultSocks5InitialResponse(wanted));
			}
			else if (message instanceof Socks5PasswordAuthRequest auth) {
				ctx.pipeline().remove(Socks5PasswordAuthRequestDecoder.class);
				if (!auth.username().equals(FakeSocksProxy.this.user)
						|| !auth.password().equals(FakeSocksProxy.this.password)) {
					ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.FAILURE))
						.addListener(ChannelFutureListener.CLOSE);
					return;
				}
				ctx.pipeline().addFirst(new Socks5CommandRequestDecoder());
				ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
			}
			else if (message instanceof Socks5CommandRequest command) {
				command(ctx, command);
			}
			else {
				ctx.close();
			}
		}

		private void command(ChannelHandlerContext ctx, Socks5CommandRequest command) {
			FakeSocksProxy.this.connects.add(command.dstAddr() + ":" + command.dstPort());
			if (command.type() != Socks5CommandType.CONNECT || FakeSocksProxy.this.refuseConnect) {
				ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.FORBIDDEN, Socks5AddressType.IPv4))
					.addListener(ChannelFutureListener.CLOSE);
				return;
			}
			Channel client = ctx.channel();
			client.config().setAutoRead(false);
			new Bootstrap().group(client.eventLoop())
				.channel(NioSocketChannel.class)
				.handler(new Relay(client))
				.connect(command.dstAddr(), command.dstPort())
				.addListener((ChannelFutureListener) (connected) -> {
					if (!connected.isSuccess()) {
						ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.HOST_UNREACHABLE,
								Socks5AddressType.IPv4))
							.addListener(ChannelFutureListener.CLOSE);
						return;
					}
					ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS,
							Socks5AddressType.IPv4, "127.0.0.1", 1))
						.addListener((ChannelFutureListener) (answered) -> {
							ctx.pipeline().remove(Socks5ServerEncoder.DEFAULT);
							ctx.pipeline().remove(Greeting.this);
							ctx.pipeline().addLast(new Relay(connected.channel()));
							client.config().setAutoRead(true);
						});
				});
		}
	}

	/** Writes what one side reads to the other, and closes the other when one closes. */
	private static final class Relay extends ChannelInboundHandlerAdapter {

		private final Channel other;

		Relay(Channel other) {
			this.other = other;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object message) {
			if (this.other.isActive()) {
				this.other.writeAndFlush(message);
			}
			else {
				ReferenceCountUtil.release(message);
			}
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			if (this.other.isActive()) {
				this.other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
			}
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			ctx.close();
		}
	}
}
